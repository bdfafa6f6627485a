import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** What the fake agent reports for one turn: two API responses of FAKE_AGENT_USAGE's default. */
const PER_TURN = { input: 2400, output: 680, cacheWrite: 10000, cacheRead: 40000 };
const COST_PER_TURN = (2400 * 3 + 680 * 15 + 10000 * 3.75 + 40000 * 0.3) / 1e6;

/** A project with two fake-agent tasks, written by a core that is then closed, as a user would leave it. */
async function twoTasks(settings: (core: ReturnType<typeof createCore>, projectId: string) => void = () => undefined) {
  installFakeClaude(50);
  const dataDir = tempDir('switchyard-data-');
  const repo = makeRepo();
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  const project = await core.projects.add(repo);
  core.settings.set('scheduler.stacking', true, 'project', project.id);
  const first = core.tasks.create({ projectId: project.id, title: 'First', prompt: 'Add a line for the first' });
  const second = core.tasks.create({ projectId: project.id, title: 'Second', prompt: 'Add a line for the second' });
  core.taskGraph.add({ taskId: second.id, dependsOnId: first.id });
  settings(core, project.id);
  await core.dispose();
  return { dataDir, repo, first, second };
}

/** Two fake agents one after the other, each CLI call a process of its own, on a loaded 2-core machine (ms). */
const RUN_TEST_MS = 180_000;

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env: process.env });

describe('switchyard usage', () => {
  it('lists each task of a run with its tokens, cost and working time', async () => {
    const { dataDir, repo, first, second } = await twoTasks();
    const ran = run(['run', '--project', repo, '--approve', 'all', '--data-dir', dataDir]);
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);

    const shown = run(['usage', '--project', repo, '--json', '--data-dir', dataDir]);
    expect(shown.status, shown.stderr).toBe(0);
    const report = JSON.parse(shown.stdout) as {
      tasks: { key: string; title: string; agent: string; model: string; tokens: typeof PER_TURN; costUsd: number; workingMs: number; waitingMs: number; idleMs: number }[];
      totals: { tokens: typeof PER_TURN; costUsd: number };
    };
    // Each task by the key switchyard tasks names it with: no plan gave them one, so the start of their id.
    expect(report.tasks.map((t) => t.key).sort()).toEqual([first.id.slice(0, 8), second.id.slice(0, 8)].sort());
    for (const task of report.tasks) {
      expect(task).toMatchObject({ agent: 'claude-code', model: 'claude-sonnet-4-5-20250929', tokens: PER_TURN });
      expect(task.costUsd).toBeCloseTo(COST_PER_TURN, 9);
      expect(task.workingMs).toBeGreaterThan(0);
      expect(typeof task.waitingMs).toBe('number');
      expect(typeof task.idleMs).toBe('number');
    }
    expect(report.totals.tokens).toEqual({ input: 4800, output: 1360, cacheWrite: 20000, cacheRead: 80000 });
    expect(report.totals.costUsd).toBeCloseTo(2 * COST_PER_TURN, 9);
    // What the run printed about the budget: nothing, there is none.
    expect(ran.stdout).not.toMatch(/stopped by the budget/);

    // The same as a table, and --since after the run leaves nothing.
    const table = run(['usage', '--project', repo, '--data-dir', dataDir]);
    expect(table.stdout).toMatch(/^total: in 4,800 out 1,360 cache w 20,000 r 80,000 · \$0\.\d{4}; working/m);
    const later = run(['usage', '--project', repo, '--since', '2999-01-01', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(later.stdout).tasks).toEqual([]);
  }, RUN_TEST_MS);

  it('refuses a --since that is not a date, saying what it takes', () => {
    const result = run(['usage', '--since', 'last tuesday', '--data-dir', tempDir()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--since takes a date/);
  });

  it('a run whose budget is reached starts nothing more, says so, and exits with 1', async () => {
    const { dataDir, repo } = await twoTasks((core, projectId) => {
      core.settings.set('usage.budgetTokens', 1000, 'project', projectId);
      core.settings.set('usage.budgetPeriod', 'run', 'project', projectId);
    });
    const ran = run(['run', '--project', repo, '--approve', 'all', '--data-dir', dataDir]);
    expect(ran.status, ran.stdout + ran.stderr).toBe(1);
    expect(ran.stdout).toMatch(/^stopped by the budget: the token budget is used up: \d+ of 1000 tokens in this run$/m);
    expect(ran.stdout).not.toMatch(/Second → running/);
  }, RUN_TEST_MS);
});
