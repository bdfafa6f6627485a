import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

/** A run of short shell commands on a loaded 2-core machine (ms). */
const RUN_MS = 30_000;

/** A task whose agent is a shell command: what it does and how it ends are real. */
const sh = (script: string) => ({ agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', script], promptDelivery: 'none' } });

describe('which failed tasks a run starts again', () => {
  it('retries an agent that crashed while it has retries left, then leaves it failed', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.retries', 1, 'project', project.id);
    core.settings.set('scheduler.retryBackoff', 0.1, 'project', project.id);
    // Tried: an agent that exits with an error each time it is started.
    const task = core.tasks.create({ projectId: project.id, title: 'Crashes', ...sh('echo "Error: out of memory"; exit 3') });
    core.scheduler.run(project.id);
    await waitFor('two sessions, the second ended', () => core.sessions.list({ taskId: task.id }).filter((s) => s.endedAt !== null).length === 2, RUN_MS);
    await waitFor('the run idle', async () => (await core.scheduler.settled(), core.scheduler.idle(project.id)), RUN_MS);
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(2);
    expect(core.tasks.get(task.id)).toMatchObject({ status: 'failed', reason: { code: 'AGENT_CRASHED' } });
  }, RUN_MS * 2);

  it('does not start again a task whose merge failed, whatever its retries', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.retries', 3, 'project', project.id);
    // Tried: work left uncommitted, so that landing it by itself is refused.
    const task = core.tasks.create({ projectId: project.id, title: 'Leaves work', ...sh('echo draft > draft.txt') });
    core.scheduler.run(project.id);
    await waitFor('the task in review', () => core.tasks.get(task.id).status === 'review', RUN_MS);
    const landed = await core.review.landOrFail(task.id);
    expect(landed).toMatchObject({ landed: false, reason: { kind: 'failed', code: 'WORKTREE_DIRTY' } });
    expect(core.tasks.get(task.id)).toMatchObject({ status: 'failed', reason: { kind: 'failed', code: 'WORKTREE_DIRTY' } });
    expect(core.tasks.get(task.id).reason!.message).toMatch(/uncommitted changes; commit them before merging/);

    await core.scheduler.settled();
    expect(core.scheduler.idle(project.id)).toBe(true);
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
    // Its worktree and the work in it are kept.
    expect(core.worktrees.get(task.id)?.status).toBe('active');
  }, RUN_MS * 2);
});
