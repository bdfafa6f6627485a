import type { Nodes } from 'mdast';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePlan } from '../../bench/suites/plan-import';
import { parseFullMarkdown, parseMarkdown } from '../../electron/core/plans/planMarkdown';
import { PlanReader, readPlanText } from '../../electron/core/plans/planParser';
import { checkPlanText } from '../../electron/core/plans/planText';
import { repoRoot, sharedPlansDir } from './samplePlans';

/** Every plan kept beside the tests and on this machine, by name. */
function realPlans(): [string, string][] {
  const dirs = [sharedPlansDir(), join(repoRoot, 'tests', 'plans', 'fixtures')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => /\.(md|txt)$/.test(name) && name !== 'README.md')
      .map((name): [string, string] => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** The plan read from the full parser's tree alone, as the reader read it before the line reader. */
function readFromFullTree(text: string) {
  const checked = checkPlanText(text);
  const reader = new PlanReader(checked.text, [...checked.warnings]);
  reader.read(parseFullMarkdown(checked.text).children);
  return reader.finish();
}

function readAsImported(text: string) {
  const checked = checkPlanText(text);
  return readPlanText(checked.text, [...checked.warnings]);
}

/** The plan read, or the code of the error that refused it. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (error) {
    return { refused: (error as { code?: string }).code ?? String(error) };
  }
}

/** Blocks, each something the line reader reads or something it must leave to micromark. */
const SNIPPETS = [
  '# Plan',
  '## Phase 1: Setup',
  '### Task 1.2: Create `src/__init__.py`',
  '# Setup __init__.py and *args*',
  '- [ ] Create src/__init__.py',
  '- [ ] T001 [P] [US1] Create `src/models/__init__.py`',
  '- [x] T-4 Implement part 4 of the system [S] @codex (depends on T-3)',
  '- [X] done in capitals',
  '1. [ ] numbered check',
  '* [x] star check',
  '+ [ ] plus check',
  '- [ ]x no space',
  '- [ ]',
  '- [x]  two spaces',
  '- [ ] ',
  '-',
  '- ',
  '1.',
  '003. leading zeros',
  '1234567890. ten digits',
  '2) closing paren',
  '- run `` a ` b `` now',
  '- `code` first',
  '- ```not a fence in an item```',
  'x ``` y',
  '`unclosed code',
  '` `` `',
  '`  `',
  '` a`',
  'a `b` c `d`',
  '- [ ] \\*not emphasis\\*',
  '# a \\# b',
  '# a #',
  '# a#',
  '#',
  '# ',
  '#x',
  '####### seven',
  '  # indented',
  '# trailing  ',
  '#\ttab',
  '- [ ] a\n  - [ ] b\n    - [x] c\n- [ ] d',
  '- a\n\n- b',
  '1. a\n\n2. b',
  '- a\nb',
  '- a\n2. b',
  '1. a\n2) b',
  '- a\n1. b',
  '- a\n* b',
  '1. a\n5. b',
  'a\n===',
  'a\n---',
  '- a\n---',
  '- - -',
  '***',
  '* * *',
  '___',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  'a | b\n--|--',
  'a\n:-',
  'plain words',
  'two lines\nof words',
  'a  \nhard break',
  'a\\\nbackslash break',
  ' leading space',
  'a\n lazy indent',
  'a \nb',
  '&amp; &#35; entities',
  '[a](b) link',
  '[a] [b] brackets',
  '![img](x)',
  '<http://example.com>',
  'www.example.com and https://example.com',
  '~~done~~ task',
  'a ~ b',
  '<div>\n# inside html\n</div>',
  '<!--\n# in a comment\n\n-->',
  '<br> text',
  'a <b>c</b>',
  '<script>\nx\n\n</script>',
  '```\ncode\n# not heading\n```',
  '~~~\nx',
  '```js\nunclosed',
  '- a\n  ```\n  code\n\n  more\n  ```',
  '1. a\n\n   ```\n   code\n   ```\n2. b',
  '> - [ ] quoted\n# b',
  '> a\nb',
  '    indented code',
  '- a\n\n  continued',
  '**Bold** words',
  '- [ ] **1.1 Create the loader**',
  '- **Bold**: an item',
  '**1.** words',
  '**a**b and a**b** and **a** **b**',
  '***a*** and **a* and *a* and ** a** and **a **',
  'x **`code`** y and **(a)** and "**a**" and a**(b)**c',
  'é**a** and **a**é and **ü**',
  '**a\nb** across lines',
  '**Assignee:** Claude Code (Opus)\n**Estimate:** 2-3 hours\n**Files:** `src/a.py`, `src/b.py`',
  'one `open\nclosed` later',
  '**Validation**: `pytest` passes',
  '**Files to Create:**\n- `src/a.py`\n- `src/b.py`',
  'Steps:\n1. first\n2. second',
  'Steps:\n2. second',
  'Steps:\n- [ ] check under words',
  'Tom & Jerry &amp; &copy &#35; &unknown; & more',
  '```\ncode\n```\n**Files:**\n- a',
  '```\ncode\n```\n\n**Files:**\n- a',
  '- **a**',
  '**Assignee:** Codex\n**Depends On:** 1.1',
  'Validation: `pytest` passes',
  'é😀 中文 עברית a\u0301 \u00a0nbsp\u2028sep',
  '\uFEFFbom',
  'tab\tinside',
  'x'.repeat(3_000),
  `- [ ] ${'long '.repeat(1_000)}`,
  '[ref]: http://example.com',
  '- [ ] [ref]',
  'Phase 2 blocks every user story → Phase 3',
];
const SEPARATORS = ['\n', '\n\n', '\r\n', '\r\n\r\n', '\r', '\n\n\n', '\n  \n'];

/** A text of `count` snippets joined by separators, chosen by a seeded generator. */
function composed(seed: number, count: number): string {
  let state = seed;
  const random = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
  let text = '';
  for (let i = 0; i < count; i++) text += SNIPPETS[random(SNIPPETS.length)]! + SEPARATORS[random(SEPARATORS.length)]!;
  return random(4) === 0 ? text.trimEnd() : text;
}

describe('the line reader', () => {
  it('builds the tree micromark builds, node for node and position for position, for every plan here', () => {
    const plans = realPlans();
    expect(plans.length).toBeGreaterThanOrEqual(6);
    for (const [name, text] of plans) {
      expect(parseMarkdown(text), name).toEqual(parseFullMarkdown(text));
      const crlf = text.replace(/\r?\n/g, '\r\n');
      expect(parseMarkdown(crlf), `${name} with CRLF`).toEqual(parseFullMarkdown(crlf));
    }
    const generated = generatePlan();
    expect(parseMarkdown(generated)).toEqual(parseFullMarkdown(generated));
  }, 120_000);

  it('reads every plan here, and the benchmark plan, as the full parser alone does', () => {
    for (const [name, text] of [...realPlans(), ['generated 10,000 tasks', generatePlan()] as [string, string]]) {
      const plan = readAsImported(text);
      expect(plan.tasks.length, name).toBeGreaterThan(0);
      expect(plan, name).toEqual(readFromFullTree(text));
    }
  }, 120_000);

  it('builds the same tree for each hostile block alone, and for each after a heading and before a list', () => {
    for (const snippet of SNIPPETS) {
      for (const text of [snippet, `${snippet}\n`, `# H\n${snippet}\n- [ ] after\n`, `- [ ] before\n${snippet}\n\n- [ ] after\n`, `para\n${snippet}`]) {
        expect(parseMarkdown(text), JSON.stringify(text).slice(0, 120)).toEqual(parseFullMarkdown(text));
      }
    }
  });

  it('builds the same tree for 600 texts composed of hostile blocks and separators, and reads the same plan from them', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const text = composed(seed, 2 + (seed % 30));
      expect(parseMarkdown(text), `seed ${seed}: ${JSON.stringify(text).slice(0, 200)}`).toEqual(parseFullMarkdown(text));
      if (seed % 10 === 0) expect(outcome(() => readAsImported(`# Plan\n${text}`)), `seed ${seed}`).toEqual(outcome(() => readFromFullTree(`# Plan\n${text}`)));
    }
  }, 120_000);

  it('gives every node points of its own, as micromark does: the pieces of a large plan move them in place', () => {
    for (const [name, text] of [...realPlans(), ['generated 10,000 tasks', generatePlan()] as [string, string]]) {
      const seen = new Set<object>();
      let shared = 0;
      const visit = (node: Nodes) => {
        for (const point of [node.position?.start, node.position?.end]) {
          if (!point) continue;
          if (seen.has(point)) shared++;
          seen.add(point);
        }
        if ('children' in node) for (const child of node.children) visit(child);
      };
      visit(parseMarkdown(text));
      expect(seen.size, name).toBeGreaterThan(100);
      expect(shared, name).toBe(0);
    }
  });

  it('reads the empty text and blank lines as micromark does', () => {
    for (const text of ['', '\n', '\n\n', '   \n\t\n', '\r\n\r\n']) expect(parseMarkdown(text)).toEqual(parseFullMarkdown(text));
  });
});
