import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES, MAX_PLAN_NESTING_DEPTH, MAX_PLAN_NESTING_WORK } from '../../shared/constants';
import type { ParsedPlan } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import { measureNesting } from '../../electron/core/plans/planLimits';
import { PlanParsePool } from '../../electron/core/plans/planParsePool';
import { parsePlanBytes, parsePlanText, readPlanText } from '../../electron/core/plans/planParser';
import { pieceCuts } from '../../electron/core/plans/planPieces';
import { decodePlanBytes } from '../../electron/core/plans/planText';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';
import { byKey, parseMd, samplePlanPath } from './samplePlans';

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

/** `lines` list items, each one level deeper than the last, back to the top after `depth` levels. */
function ladder(depth: number, lines: number, word = 'item'): string {
  return Array.from({ length: lines }, (_, i) => `${'  '.repeat(i % depth)}- ${word} ${i}`).join('\n') + '\n';
}

/** The plan that froze the core: 64-level nested lists over 20,000 lines, 1.6 MB. */
function nestedPlan(): string {
  return `# Nested\n\n${ladder(64, 20_000, 'a task nested under the one above, as deep as it goes')}`;
}

/**
 * Longest a ping may wait while the core reads a hostile plan (ms). Such plans held the core for
 * seconds before they were refused off its thread; a ping's wait on a loaded two-core machine is
 * timer and scheduling noise of up to a few hundred milliseconds (240 ms measured at a load of 20),
 * so the bound tells a held core from a busy machine without failing on the second.
 */
const HELD_CORE_MS = 1_000;

/** What the core answered, and the longest a ping waited for its answer while it was working. */
async function whilePinged<T>(core: ReturnType<typeof makeCore>, projectId: string, work: () => Promise<T>): Promise<{ result: T; slowestPingMs: number; pings: number }> {
  const PING_EVERY_MS = 10;
  let done = false;
  let slowest = 0;
  let pings = 0;
  const pinging = (async () => {
    while (!done) {
      // Timed from when the ping is due: a loop held before the call counts as much as a slow answer.
      const due = performance.now() + PING_EVERY_MS;
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
      const answer = await core.dispatch('plans.list', { projectId });
      expect(answer.ok).toBe(true);
      slowest = Math.max(slowest, performance.now() - due);
      pings++;
    }
  })();
  try {
    return { result: await work(), slowestPingMs: slowest, pings };
  } finally {
    done = true;
    await pinging;
  }
}

async function refusedAsync(read: () => Promise<unknown>): Promise<SwitchyardError> {
  const outcome = await read().then(
    () => new Error('the plan was accepted'),
    (error: unknown) => error,
  );
  if (outcome instanceof SwitchyardError) return outcome;
  throw outcome;
}

async function previewIn(core: ReturnType<typeof makeCore>, projectId: string, content: string) {
  return core.dispatch('plans.preview', { projectId, content });
}

/** A core with a project, its parsing threads started by two small plans at once (the times below are the plans', not the threads' start). */
async function warmCore() {
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const first = await Promise.all([300, 301].map((n) => core.plans.preview({ projectId: project.id, content: bigPlan(n) })));
  expect(first.map((plan) => plan.tasks.length)).toEqual([300, 301]);
  return { core, project };
}

const pools: PlanParsePool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.dispose();
});

describe('plans that would hold the core', () => {
  it('refuses the 1.6 MB plan of 64-level nested lists as too deep, while the core goes on answering pings', async () => {
    const { core, project } = await warmCore();
    const content = nestedPlan();
    expect(content.length).toBeGreaterThan(1_500_000);
    const started = performance.now();
    const { result, slowestPingMs, pings } = await whilePinged(core, project.id, () => previewIn(core, project.id, content));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'BAD_PLAN', details: { reason: 'too-deep', limit: MAX_PLAN_NESTING_DEPTH, line: 3 + MAX_PLAN_NESTING_DEPTH } },
    });
    expect(pings).toBeGreaterThan(0);
    expect(slowestPingMs).toBeLessThan(HELD_CORE_MS);
    // The same refusal on the calling thread (the CLI's path), naming the line that goes too deep.
    expect(refusal(() => parsePlanText(content)).message).toBe(
      `line ${3 + MAX_PLAN_NESTING_DEPTH} of the plan is nested ${MAX_PLAN_NESTING_DEPTH + 1} lists or quotes deep; the importer reads at most ${MAX_PLAN_NESTING_DEPTH}`,
    );
  });

  it('refuses one line of 2,000 nested list markers, and deep block quotes, at once', async () => {
    const pool = new PlanParsePool();
    pools.push(pool);
    const oneLine = `# Plan\n\n${'- '.repeat(2_000)}the innermost task\n`;
    const started = performance.now();
    expect(await refusedAsync(() => pool.parseText(oneLine))).toMatchObject({
      code: 'BAD_PLAN',
      details: { reason: 'too-deep', line: 3, depth: 2_000, limit: MAX_PLAN_NESTING_DEPTH },
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    const quotes = `# Plan\n\n${'> '.repeat(40)}- [ ] quoted task\n`;
    expect(refusal(() => parsePlanText(quotes))).toMatchObject({ details: { reason: 'too-deep', line: 3 } });
    // At the limit, it reads: a task with steps nested as deep as allowed.
    const steps = Array.from({ length: MAX_PLAN_NESTING_DEPTH - 1 }, (_, i) => `${'  '.repeat(i + 1)}- step ${i + 1}`);
    const deepest = await pool.parseText(`# Plan\n\n## Tasks\n\n- [ ] the top task\n${steps.join('\n')}\n`);
    expect(deepest.tasks.map((t) => t.title)).toEqual(['the top task']);
    expect(deepest.tasks[0]!.prompt).toContain('step 15');
    // A line of dashes is a thematic break, not 2,000 lists.
    expect((await pool.parseText(`# Plan\n\n- [ ] a task\n\n${'- '.repeat(2_000)}\n`)).tasks).toHaveLength(1);
  });

  it('refuses a 4 MB plan of nested lists within the depth limit as too much work, without holding the core', async () => {
    const { core, project } = await warmCore();
    let content = '# Plan\n\n';
    while (content.length < 4_000_000) content += ladder(MAX_PLAN_NESTING_DEPTH, 1_000);
    content = content.slice(0, 4_000_000);
    const started = performance.now();
    const { result, slowestPingMs } = await whilePinged(core, project.id, () => previewIn(core, project.id, content));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_PLAN', details: { reason: 'too-much-work', limit: MAX_PLAN_NESTING_WORK } } });
    expect(slowestPingMs).toBeLessThan(HELD_CORE_MS);
  });

  it('keeps plans whose tasks have sub-items well within the work limit, and reads them', async () => {
    /** `tasks` checkbox tasks with two sub-items each, in phases of 500. */
    const withSubItems = (tasks: number) => {
      const lines = ['# Plan'];
      for (let i = 1; i <= tasks; i++) {
        if (i % 500 === 1) lines.push('', `## Phase ${Math.ceil(i / 500)}`, '');
        lines.push(`- [ ] T-${i} Task ${i}`, `  - check part ${i} a`, `  - check part ${i} b`);
      }
      return lines.join('\n');
    };
    const large = withSubItems(10_000);
    expect(measureNesting(large, pieceCuts(large)).work).toBeLessThan(MAX_PLAN_NESTING_WORK / 1.5);
    const pool = new PlanParsePool();
    pools.push(pool);
    const plan = await pool.parseText(withSubItems(1_000));
    expect(plan.tasks).toHaveLength(1_000);
    expect(plan.tasks[999]!.prompt).toContain('check part 1000 b');
  });

  it('stops a thread that parses past the time budget, refuses the plan as BAD_PLAN timeout, and parses the next plan', async () => {
    const budgetMs = 1_000;
    const pool = new PlanParsePool({ timeoutMs: budgetMs });
    pools.push(pool);
    // Within the limits but slow to parse: two-level nesting that no heading cuts, a few seconds on any machine.
    const slow = `# Plan\n\n${ladder(2, 7_000)}`;
    const nesting = measureNesting(slow, pieceCuts(slow));
    expect(nesting.work).toBeLessThan(MAX_PLAN_NESTING_WORK);
    expect(nesting.work).toBeGreaterThan(MAX_PLAN_NESTING_WORK / 2);
    await Promise.all([pool.parseText(bigPlan(10)), pool.parseText(bigPlan(20))]);
    const running = pool.runningThreads;
    expect(running).toBeGreaterThan(0);
    const error = await refusedAsync(() => pool.parseText(slow));
    expect(error).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'timeout', limit: budgetMs } });
    expect(error.message).toBe(`the plan took more than ${budgetMs} ms to read; its reading was stopped`);
    // The thread that was parsing it is gone; another reads the next plan.
    await waitFor('the stuck thread to stop', () => pool.runningThreads < running);
    const next = await pool.parseText(bigPlan(50));
    expect(next.tasks).toHaveLength(50);
  });

  it('reads the two shared plans on worker threads exactly as one whole parse on this thread reads them', async () => {
    const pool = new PlanParsePool();
    pools.push(pool);
    for (const name of ['000_b2d475505025903d.txt', '003_22bfff5976980d4b.txt']) {
      const bytes = readFileSync(samplePlanPath(name));
      const { text, warnings } = decodePlanBytes(bytes);
      const whole: ParsedPlan = readPlanText(text, warnings, [{ offset: 0, line: 0 }]);
      expect(whole.tasks.length, name).toBeGreaterThan(5);
      expect(await pool.parseBytes(bytes), name).toEqual(whole);
      expect(parsePlanBytes(bytes), name).toEqual(whole);
    }
  });
});
