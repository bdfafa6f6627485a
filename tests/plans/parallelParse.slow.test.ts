import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../shared/errors';
import { MAX_PLAN_BYTES } from '../../shared/constants';
import type { ParsedPlan } from '../../shared/contract';
import { parseMarkdown } from '../../electron/core/plans/planMarkdown';
import { PlanParsePool } from '../../electron/core/plans/planParsePool';
import { parsePlanBytes, parsePlanText } from '../../electron/core/plans/planParser';
import { isCleanEnd } from '../../electron/core/plans/planBlockScan';
import { cutPoints, joinPieces, parsePiece } from '../../electron/core/plans/planPieces';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { sharedPlansDir } from './samplePlans';

/** Texts at least this long are parsed in pieces (PARALLEL_MIN_CHARS in planParsePool.ts). */
const LARGE = 256 * 1024;

const pools: PlanParsePool[] = [];
function pool(): PlanParsePool {
  const made = new PlanParsePool();
  pools.push(made);
  return made;
}
afterEach(async () => {
  for (const made of pools.splice(0)) await made.dispose();
});

const sharedPlans = readdirSync(sharedPlansDir())
  .filter((name) => name.endsWith('.txt'))
  .map((name) => ({ name, text: readFileSync(join(sharedPlansDir(), name), 'utf8') }));

/** A checkbox plan in phases, each phase heading right under the last task of the one before. */
function checkboxPlan(tasks: number, eol = '\n'): string {
  const lines = ['# Generated plan', ''];
  for (let i = 1; i <= tasks; i++) {
    if (i % 400 === 1) lines.push(`## Phase ${Math.ceil(i / 400)}`, '');
    const after = i > 1 ? ` (depends on T-${i - 1}${i > 400 ? `, T-${i - 400}` : ''})` : '';
    lines.push(`- [${i % 3 === 0 ? 'x' : ' '}] T-${i} Implement ~~part~~ **${i}** of the \`system\` [M] @codex${after}`);
  }
  return `${lines.join(eol)}${eol}`;
}

/** Lines of list items without a heading, long enough that only a heading in `middle` can be a cut. */
function aroundOnlyHeading(middle: string): string {
  const filler = Array.from({ length: 3_000 }, (_, i) => `- [ ] filler task number ${i} with some words to make it longer`).join('\n');
  return `${filler}\n\n${middle}\n${filler}\n`;
}

async function refusal(read: () => unknown): Promise<SwitchyardError> {
  try {
    await read();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('the plan was accepted');
}

// Each case parses plans of thousands of tasks twice (on worker threads and on one thread), and the
// parse threads run at a lower priority than the test's own: beside another busy test file on two
// cores a case can take longer than the default 30 s without anything being wrong.
const LARGE_PARSE_TIMEOUT_MS = 120_000;

describe('parsing a plan in pieces', { timeout: LARGE_PARSE_TIMEOUT_MS }, () => {
  it('joins the pieces of each shared plan, cut at every heading it may be cut at, into the tree of the whole', () => {
    for (const { name, text } of sharedPlans) {
      const cuts = [{ offset: 0, line: 0 }, ...cutPoints(text, text.length)];
      expect(cuts.length, name).toBeGreaterThan(10);
      const trees = cuts.map((_, i) => parsePiece(text, cuts, i));
      trees.slice(0, -1).forEach((tree, i) => expect(isCleanEnd(tree, text, cuts[i + 1]!.offset), `${name} piece ${i}`).toBe(true));
      expect(joinPieces(trees), name).toEqual(parseMarkdown(text));
    }
  });

  it('parses a large plan on worker threads into the very tree, and the very plan, of a one-thread parse', async () => {
    const text = checkboxPlan(4_000);
    expect(text.length).toBeGreaterThan(LARGE);
    expect(cutPoints(text, 10).length).toBe(9);
    const parser = pool();
    expect(await parser.markdownTree(text)).toEqual(parseMarkdown(text));
    const plan = await parser.parseText(text);
    expect(plan).toEqual(parsePlanText(text));
    expect(plan.tasks).toHaveLength(4_000);
    expect(plan.tasks[2_400]).toMatchObject({ key: 'T-2401', phase: 'Phase 7', dependsOn: ['T-2001', 'T-2400'], line: 2_417 });
  });

  it('does the same for the shared plans made large, and for a file with CRLF line endings', async () => {
    const parser = pool();
    let shared = '';
    while (shared.length < LARGE) shared += sharedPlans.map((plan) => plan.text).join('\n\n') + '\n\n';
    expect(cutPoints(shared, 10).length).toBeGreaterThan(5);
    expect(await parser.markdownTree(shared)).toEqual(parseMarkdown(shared));
    expect(await parser.parseText(shared)).toEqual(parsePlanText(shared));

    const crlf = Buffer.from(checkboxPlan(4_000, '\r\n'));
    expect(await parser.parseBytes(crlf)).toEqual(parsePlanBytes(crlf));
  });

  it('gives the one-thread tree when a cut lands inside a block the line scan misread', async () => {
    const parser = pool();
    const tricks = [
      // A fence in a list item, closed by the item's end; the scan takes the next fence for its close.
      '- item\n  ```\n  code\n\n```\n## inside a fence\n```',
      // An HTML block that only a blank line ends.
      '<div>\n## inside an HTML block\n</div>',
    ];
    for (const middle of tricks) {
      const text = aroundOnlyHeading(middle);
      const heading = text.indexOf('## inside');
      expect(cutPoints(text, 4).map((cut) => cut.offset)).toEqual([heading]);
      const tree = await parser.markdownTree(text);
      expect(tree).toEqual(parseMarkdown(text));
      expect(tree.children.some((node) => node.type === 'heading')).toBe(false);
    }
  });

  it('does not cut at headings in fenced code or HTML comments, nor a text with link definitions', async () => {
    const parser = pool();
    const inCode = aroundOnlyHeading('```bash\n## install\nnpm ci\n```');
    const inComment = aroundOnlyHeading('<!--\n## an old section\n-->');
    const defined = `${checkboxPlan(4_000)}\nSee [the guide].\n\n[the guide]: https://example.com/guide\n`;
    for (const text of [inCode, inComment, defined]) {
      expect(cutPoints(text, 10)).toEqual([]);
      expect(await parser.markdownTree(text)).toEqual(parseMarkdown(text));
    }
    // A heading right under a table or an HTML comment ends them: a cut there is clean.
    const afterTable = aroundOnlyHeading('| Task | Depends On |\n|---|---|\n| A | B |\n## Phase 2');
    const afterComment = aroundOnlyHeading('<!-- notes -->\n## Phase 2');
    for (const text of [afterTable, afterComment]) {
      const cuts = [{ offset: 0, line: 0 }, ...cutPoints(text, 4)];
      expect(cuts).toHaveLength(2);
      expect(isCleanEnd(parsePiece(text, cuts, 0), text, cuts[1]!.offset)).toBe(true);
      expect(await parser.markdownTree(text)).toEqual(parseMarkdown(text));
    }
  });

  it('refuses what the one-thread parse refuses, with the same BAD_PLAN', async () => {
    const parser = pool();
    expect(await refusal(() => parser.parseText(''))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'empty' } });
    expect(await refusal(() => parser.parseBytes(Buffer.from('# Plan\n\0\0')))).toMatchObject({ details: { reason: 'binary' } });
    expect(await refusal(() => parser.parseText('x'.repeat(MAX_PLAN_BYTES + 1)))).toMatchObject({ details: { reason: 'too-large' } });
    // Read in pieces, refused once all are read.
    const lines = Array.from({ length: 20_001 }, (_, i) => `${i % 1000 === 0 ? '## Tasks\n' : ''}- [ ] task ${i} of a plan that is far too long`);
    const tooMany = lines.join('\n');
    expect(tooMany.length).toBeGreaterThan(LARGE);
    const inPieces = await refusal(() => parser.parseText(tooMany));
    expect(inPieces).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'too-many-tasks', tasks: 20_001 } });
    expect(inPieces).toEqual(await refusal(() => parsePlanText(tooMany)));
  });

  it('still reads the plan when the parser is disposed while its threads parse it', async () => {
    const parser = pool();
    const text = checkboxPlan(4_000);
    await parser.parseText(text);
    const reading = parser.parseText(`${text}\nOne more line.\n`);
    await parser.dispose();
    expect(await reading).toEqual(parsePlanText(`${text}\nOne more line.\n`));
  });

  it('plans.preview reads a large plan as a one-thread parse does', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const content = checkboxPlan(4_000);
    const plan: ParsedPlan = await core.plans.preview({ projectId: project.id, content });
    // The preview also says which named agents this machine lacks (the plan names @codex), with a
    // warning, which a bare parse cannot know; that lookup is tested in importer.test.ts.
    expect(plan.missingAgents.every((agent) => agent === 'codex')).toBe(true);
    const notInstalled = (message: string) => /is not installed here/.test(message);
    expect(plan.warnings.filter((warning) => notInstalled(warning.message)).length).toBe(plan.missingAgents.length);
    const read = { ...plan, missingAgents: [], warnings: plan.warnings.filter((warning) => !notInstalled(warning.message)) };
    expect(read).toEqual(parsePlanText(content));
  });
});
