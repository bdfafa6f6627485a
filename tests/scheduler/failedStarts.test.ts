import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../shared/contract';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** How long the whole run may take on a loaded 2-core machine (ms). */
const RUN_TIMEOUT_MS = 90_000;
/** The retry wait the test sets, short so that three attempts take about a second (s). */
const BACKOFF_S = 0.2;
const RETRIES = 2;
/** The window over which the core's CPU time is measured while nothing can start (ms). */
const IDLE_WINDOW_MS = 3_000;
/** The share of that window the core may spend on the CPU; the bound is 1 s in 30 s. */
const IDLE_CPU_SHARE = 0.05;

/** CPU time this process spent over `ms` of wall time, as a share of it. */
async function cpuShareOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const start = performance.now();
  // A measuring window, not a wait for a condition: the point is that nothing happens in it.
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - start);
}

describe('a run whose agent is not installed', () => {
  it('tries the task retries + 1 times with a doubling wait, runs the others meanwhile, blocks it with its reason and then stays quiet', async () => {
    installFakeClaude(50);
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const log = memoryLogger();
    const core = createCore({ dataDir, mode: 'browser', log });
    let codex: Task;
    try {
      const project = await core.projects.add(repo);
      core.settings.set('scheduler.retries', RETRIES, 'project', project.id);
      core.settings.set('scheduler.retryBackoff', BACKOFF_S, 'project', project.id);
      // Tried: Codex configured at a path where nothing is installed.
      // (A path is refused when saved unless a program is there: it is saved while one is, then removed.)
      const codexPath = join(tempDir('switchyard-nothing-'), 'codex');
      writeFileSync(codexPath, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      core.settings.set('agents.codexPath', codexPath, 'user');
      rmSync(codexPath);
      codex = core.tasks.create({ projectId: project.id, title: 'Codex task', priority: 'urgent', agentKind: 'codex', prompt: 'Add a line' });
      const others = ['One', 'Two', 'Three'].map((title) =>
        core.tasks.create({ projectId: project.id, title, agentKind: 'claude-code', prompt: `Add a line for ${title}` }),
      );
      const attempts: number[] = [];
      core.bus.subscribe(({ event, payload }) => {
        // The fake agents ask before they edit: answered as a person would.
        if (event === 'session.state' && payload.change.state === 'needs_input') void core.sessions.input(payload.sessionId, '1').catch(() => undefined);
        if (event === 'task.changed' && payload.kind === 'updated' && payload.task.id === codex.id && payload.task.reason) {
          attempts.push(Date.now());
        }
      });

      core.scheduler.run(project.id);
      await waitFor(
        'the codex task blocked and the others in review',
        () => core.tasks.get(codex.id).status === 'failed' && others.every((t) => core.tasks.get(t.id).status === 'review'),
        RUN_TIMEOUT_MS,
      );
      await core.scheduler.settled();

      expect(attempts).toHaveLength(RETRIES + 1);
      const tries = log.lines.filter((line) => line.includes(`could not start task ${codex.id}`));
      expect(tries).toHaveLength(RETRIES + 1);
      expect(tries[0]).toContain('AGENT_NOT_FOUND');
      // The waits double: at least 0.2 s before the second attempt, 0.4 s before the third.
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(BACKOFF_S * 1000);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(2 * BACKOFF_S * 1000);
      expect(core.tasks.get(codex.id).reason).toMatchObject({ kind: 'blocked', code: 'AGENT_NOT_FOUND', attempts: RETRIES + 1, retryAt: null });
      expect(core.tasks.get(codex.id).reason!.message).toMatch(/Cannot start Codex/);

      // Nothing can start now: the core waits without spending CPU, and tries nothing more.
      const share = await cpuShareOver(IDLE_WINDOW_MS);
      expect(share).toBeLessThan(IDLE_CPU_SHARE);
      expect(log.lines.filter((line) => line.includes(`could not start task ${codex.id}`))).toHaveLength(RETRIES + 1);
    } finally {
      await core.dispose();
    }

    const listed = spawnSync(process.execPath, [cli, 'tasks', '--project', repo, '--json', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { title: string; status: string; reason: Task['reason'] }[];
    expect(rows.find((r) => r.title === 'Codex task')).toMatchObject({ status: 'failed', reason: { kind: 'blocked', code: 'AGENT_NOT_FOUND' } });
    expect(rows.filter((r) => r.status === 'review').map((r) => r.reason)).toEqual([null, null, null]);
  });

  it('a task that failed to start and then starts has its reason cleared', async () => {
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger() });
    try {
      const project = await core.projects.add(makeRepo());
      core.settings.set('scheduler.retryBackoff', BACKOFF_S, 'project', project.id);
      // Tried: a custom task with no command line, then given one while it waits for its retry.
      const task = core.tasks.create({ projectId: project.id, title: 'Custom', agentKind: 'custom', agentOptions: { promptDelivery: 'none' } });
      core.scheduler.run(project.id);
      await waitFor('the first attempt failed', () => core.tasks.get(task.id).reason !== null, RUN_TIMEOUT_MS);
      expect(core.tasks.get(task.id)).toMatchObject({ status: 'ready', reason: { kind: 'retrying', code: 'BAD_INPUT', attempts: 1 } });
      core.tasks.update(task.id, { agentOptions: { command: ['/bin/sh', '-c', 'exit 0'], promptDelivery: 'none' } });
      await waitFor('the retry ran the command to its end', () => core.tasks.get(task.id).status === 'review', RUN_TIMEOUT_MS);
      expect(core.tasks.get(task.id).reason).toBeNull();
    } finally {
      await core.dispose();
    }
  });
});
