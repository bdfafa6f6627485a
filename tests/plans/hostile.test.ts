import { describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES } from '../../shared/constants';
import { SwitchyardError } from '../../shared/errors';
import { parsePlanBytes, parsePlanText } from '../../electron/core/plans/planParser';
import { byKey, parseMd } from './samplePlans';

function refusal(read: () => unknown): SwitchyardError {
  try {
    read();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('the plan was accepted');
}

/** A plan of n tasks in phases of 1,000, each task waiting for the one before it. */
function bigPlan(n: number): string {
  const lines = ['# Big plan'];
  for (let i = 1; i <= n; i++) {
    if (i % 1000 === 1) lines.push('', `## Phase ${Math.ceil(i / 1000)}`, '');
    lines.push(`- [ ] T-${i} Task number ${i}${i > 1 ? ` (depends on T-${i - 1})` : ''}`);
  }
  return lines.join('\n');
}

describe('hostile plans', () => {
  it('refuses an empty file and one of blank lines with BAD_PLAN', () => {
    expect(refusal(() => parsePlanBytes(new Uint8Array()))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'empty' } });
    expect(refusal(() => parsePlanBytes(Buffer.from('\n  \n\t\n')))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'empty' } });
    expect(refusal(() => parsePlanText(''))).toMatchObject({ code: 'BAD_PLAN' });
  });

  it('refuses binary files: NUL bytes, control bytes, bytes that are not UTF-8 text', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(refusal(() => parsePlanBytes(png))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'binary' } });
    expect(refusal(() => parsePlanBytes(Buffer.from('# Plan\n\x07\x1b[31m- [ ] x\n')))).toMatchObject({ details: { reason: 'binary' } });
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = 0x80 + ((i * 37) % 0x7f);
    expect(refusal(() => parsePlanBytes(noise))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'not-utf8' } });
    expect(refusal(() => parsePlanText('# Plan\n\0\0'))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'binary' } });
  });

  it('reads a text file saved as Windows-1252 (a few accents), and says so', () => {
    const text = Buffer.concat([Buffer.from('# Menu\n## Tasks\n- [ ] Write the caf'), Buffer.from([0xe9]), Buffer.from(' page\n' + 'x'.repeat(200))]);
    const plan = parsePlanBytes(text);
    expect(plan.tasks[0]!.title).toBe('Write the café page');
    expect(plan.warnings.map((w) => w.message)).toContain('the file is not UTF-8; it was read as Windows-1252');
  });

  it('refuses a 10 MB file at once with BAD_PLAN, naming the limit', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, '- [ ] a task\n');
    const started = performance.now();
    const error = refusal(() => parsePlanBytes(big));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'too-large', limit: MAX_PLAN_BYTES, bytes: big.length } });
    expect(refusal(() => parsePlanText('x'.repeat(MAX_PLAN_BYTES + 1)))).toMatchObject({ details: { reason: 'too-large' } });
  });

  it('drops a dependency on a task that does not exist, with a warning on its line', () => {
    const plan = parseMd(`
      ### Task 1: A
      **Depends On:** Task 7
      ### Task 2: B
      **Depends On:** Task 1, Phase 9
    `);
    expect(plan.tasks.map((t) => t.dependsOn)).toEqual([[], ['1']]);
    expect(plan.warnings).toEqual([
      { line: 1, message: 'task 1 ("A") depends on 7, which is not a task in the plan; ignored' },
      { line: 3, message: 'task 2 ("B") depends on phase 9, which has no tasks in the plan; ignored' },
    ]);
  });

  it('gives a repeated id a new key and a warning; references mean the first', () => {
    const plan = parseMd(`
      ### Task 1: First
      **Assignee:** Codex
      ### Task 1: Second
      **Assignee:** Codex
      ### Task 2: Third
      **Depends On:** Task 1
    `);
    expect(plan.tasks.map((t) => [t.key, t.title])).toEqual([['1', 'First'], ['1~2', 'Second'], ['2', 'Third']]);
    expect(byKey(plan.tasks)['2']!.dependsOn).toEqual(['1']);
    expect(plan.warnings.some((w) => w.line === 3 && /id 1 is used twice.*1~2/.test(w.message))).toBe(true);
  });

  it('finds a dependency cycle and names the tasks in it', () => {
    const plan = parseMd(`
      ### Task A-1: Alpha
      **Depends On:** A-3
      ### Task A-2: Beta
      **Depends On:** A-1
      ### Task A-3: Gamma
      **Depends On:** A-2
      ### Task A-4: Delta
      **Depends On:** A-4
      ### Task A-5: Free
      **Depends On:** A-1
    `);
    expect(plan.cycles).toEqual([['A-1', 'A-3', 'A-2', 'A-1']]);
    expect(plan.warnings.some((w) => /CYCLE: A-1 → A-3 → A-2 → A-1/.test(w.message))).toBe(true);
    // A task that names itself is not a loop worth a CYCLE: it is dropped with a warning.
    expect(byKey(plan.tasks)['A-4']!.dependsOn).toEqual([]);
    expect(plan.warnings.some((w) => /A-4 .*itself/.test(w.message))).toBe(true);
  });

  it('reads 10,000 tasks with their chain of dependencies in bounded time', () => {
    const started = performance.now();
    const plan = parsePlanText(bigPlan(10_000));
    const elapsed = performance.now() - started;
    expect(plan.tasks).toHaveLength(10_000);
    expect(plan.edges).toHaveLength(9_999);
    expect(plan.phases).toHaveLength(10);
    expect(plan.tasks[9_999]).toMatchObject({ key: 'T-10000', title: 'Task number 10000', dependsOn: ['T-9999'], phase: 'Phase 10' });
    expect(plan.cycles).toEqual([]);
    // remark alone takes 1–2 s for this text on a slow 2-core machine; the rest must not add much.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('never fails with anything but BAD_PLAN on scrambled plans, and keeps its answers consistent', () => {
    const fragments = [
      '# T', '## Phase 1', '### Task 1.1: A', '### Task 1.1: B', '#### 2.3 C', '- [ ] 1.2 D (depends on 1.1)', '- [x] E [M]',
      '1. F\n   Validation: ok', '**Depends On:** Task 1.1, 9.9, Phase 3', '**Blocks:** All Phase 1 tasks', '**Assignee:** Cursor',
      '```\nprompt\n```', 'Prompt:', '| Task | Depends On |\n|---|---|\n| 1.1 A | 1.2 |', '| x |', 'â”€â”', '> quote',
      '- **Size:** XXL', '**Depends On:**', '- Task 1.1', '---', '<div>', '* * *', '[link](x)', '   ', '\t- [ ] nested',
      '### Task 2', '- [ ] Task 2.2', '| ID | Spec | Depends on |\n|--|--|--|\n| S1 | x | S1 |', '**Status:** ✅', '### ✅', '- [ ] (S)',
    ];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48_271) % 2_147_483_647) % n;
    for (let round = 0; round < 600; round++) {
      const text = Array.from({ length: 1 + random(25) }, () => fragments[random(fragments.length)]).join(random(2) ? '\n' : '\n\n');
      let plan;
      try {
        plan = parsePlanText(text);
      } catch (error) {
        expect(error, text).toBeInstanceOf(SwitchyardError);
        expect((error as SwitchyardError).code).toBe('BAD_PLAN');
        continue;
      }
      const keys = new Set(plan.tasks.map((t) => t.key));
      expect(keys.size, text).toBe(plan.tasks.length);
      for (const e of plan.edges) expect(keys.has(e.task) && keys.has(e.dependsOn), text).toBe(true);
      for (const t of plan.tasks) expect(t.title.trim().length > 0 && t.prompt.trim().length > 0, text).toBe(true);
      for (const cycle of plan.cycles) expect(cycle[0], text).toBe(cycle.at(-1));
    }
  });

  it('refuses more tasks than MAX_PLAN_TASKS', () => {
    const lines = ['## Tasks', ...Array.from({ length: 20_001 }, (_, i) => `- [ ] t${i}`)];
    expect(refusal(() => parsePlanText(lines.join('\n')))).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'too-many-tasks' } });
  });
});
