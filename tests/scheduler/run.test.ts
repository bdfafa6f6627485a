import { describe, expect, it } from 'vitest';
import type { Task } from '../../shared/contract';
import type { Core } from '../../electron/core/app';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** How long a whole run may take on a loaded 2-core machine (ms). */
const RUN_TIMEOUT_MS = 90_000;

interface Watch {
  /** Most tasks of the project live at once, seen at every change. */
  peak: number;
  /** Tasks in the order their agents started. */
  started: string[];
  log: string[];
}

/** Answers every permission question as a person would, and records what ran when. */
function watch(core: Core): Watch {
  const seen: Watch = { peak: 0, started: [], log: [] };
  core.bus.subscribe(({ event, payload }) => {
    if (event === 'session.state' && payload.change.state === 'needs_input') {
      void core.sessions.input(payload.sessionId, '1').catch(() => undefined);
    }
    if (event === 'session.state') seen.log.push(`${core.tasks.get(payload.taskId).title}:${payload.change.state}/${payload.change.source}`);
    if (event === 'task.changed' && payload.kind !== 'deleted') {
      seen.log.push(`${payload.task.title}=${payload.task.status}`);
      const live = core.tasks.list(payload.task.projectId).filter((t) => t.status === 'running' || t.status === 'needs_input');
      seen.peak = Math.max(seen.peak, live.length);
      if (payload.task.status === 'running' && !seen.started.includes(payload.task.title)) seen.started.push(payload.task.title);
    }
  });
  return seen;
}

function diamond(core: Core, projectId: string): Record<'A' | 'B' | 'C' | 'D', Task> {
  const make = (title: string) => core.tasks.create({ projectId, title, prompt: `Add a line for ${title}` });
  const t = { A: make('A'), B: make('B'), C: make('C'), D: make('D') };
  for (const [task, dep] of [['B', 'A'], ['C', 'A'], ['D', 'B'], ['D', 'C']] as const) {
    core.taskGraph.add({ taskId: t[task].id, dependsOnId: t[dep].id });
  }
  return t;
}

const status = (core: Core, task: Task) => core.tasks.get(task.id).status;

describe('a run with real agents', () => {
  it('runs the diamond A → (B, C) → D in order, B and C side by side, within the limit', async () => {
    installFakeClaude(50);
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger() });
    try {
      const project = await core.projects.add(makeRepo());
      core.settings.set('scheduler.maxConcurrent', 2, 'user');
      // Dependents start from a finished dependency's branch, without waiting for a merge.
      core.settings.set('scheduler.stacking', true, 'project', project.id);
      const t = diamond(core, project.id);
      const seen = watch(core);

      core.scheduler.run(project.id);
      await waitFor('D in review', () => status(core, t.D) === 'review', RUN_TIMEOUT_MS);

      expect(seen.started[0]).toBe('A');
      expect(new Set(seen.started.slice(1, 3))).toEqual(new Set(['B', 'C']));
      expect(seen.started[3]).toBe('D');
      expect(seen.peak, seen.log.join(' ')).toBeLessThanOrEqual(2);
      // B and C ran at the same time: each started before the other finished its turn.
      const sessions = core.sessions.list({ projectId: project.id });
      const byTask = (task: Task) => sessions.find((s) => s.taskId === task.id)!;
      expect(Math.abs(byTask(t.B).startedAt - byTask(t.C).startedAt)).toBeLessThan(5_000);
      // Each agent worked in its own worktree: D's started from a dependency's branch and has its edit.
      const worktreeD = core.worktrees.get(t.D.id)!;
      const worktreeB = core.worktrees.get(t.B.id)!;
      expect(worktreeD.path).not.toBe(worktreeB.path);
      expect([core.worktrees.get(t.B.id)!.branch, core.worktrees.get(t.C.id)!.branch]).toContain(worktreeD.baseBranch);
    } finally {
      await core.dispose();
    }
  });

  it('a failing B blocks D and not C', async () => {
    installFakeClaude(50);
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger() });
    try {
      const project = await core.projects.add(makeRepo());
      core.settings.set('scheduler.stacking', true, 'project', project.id);
      core.settings.set('scheduler.retries', 0, 'project', project.id);
      const t = diamond(core, project.id);
      // B's agent is a program that fails at once.
      core.tasks.update(t.B.id, { agentKind: 'custom', agentOptions: { command: ['/bin/sh', '-c', 'echo broken; exit 3'], promptDelivery: 'none' } });
      watch(core);
      core.scheduler.run(project.id);
      await waitFor('C in review and B failed', () => status(core, t.C) === 'review' && status(core, t.B) === 'failed', RUN_TIMEOUT_MS);
      await core.scheduler.settled();
      expect(status(core, t.D)).toBe('backlog');
      expect(core.scheduler.status(project.id).blocked).toEqual([{ taskId: t.D.id, by: [t.B.id] }]);
      expect(core.sessions.list({ taskId: t.D.id })).toEqual([]);
    } finally {
      await core.dispose();
    }
  });

  it('a run stopped by a restart goes on where it was', async () => {
    installFakeClaude(50);
    const dataDir = tempDir('switchyard-data-');
    let core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.stacking', true, 'project', project.id);
    const t = diamond(core, project.id);
    watch(core);
    core.scheduler.run(project.id);
    await waitFor('A in review', () => status(core, t.A) === 'review', RUN_TIMEOUT_MS);
    await waitFor('B or C started', () => [t.B, t.C].some((task) => core.sessions.list({ taskId: task.id }).length > 0), RUN_TIMEOUT_MS);
    await core.dispose();

    core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    try {
      watch(core);
      expect(core.scheduler.status(project.id).active).toBe(true);
      await waitFor('D in review after the restart', () => status(core, t.D) === 'review', RUN_TIMEOUT_MS);
      // A was not run again: its work was done before the restart.
      expect(core.sessions.list({ taskId: t.A.id })).toHaveLength(1);
    } finally {
      await core.dispose();
    }
  });
});
