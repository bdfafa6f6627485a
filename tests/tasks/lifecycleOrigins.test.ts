import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import type { TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import type { Project, Task, Worktree } from '../../shared/contract';
import type { ErrorData } from '../../shared/errors';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** A real agent's first turn on a loaded 2-core machine, or a run's first start (ms). */
const SLOW_MS = 20_000;

const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/**
 * Runs a task's prompt as a shell script, or the program its options name: a real process in a
 * real pty, so that the host's own failures and exits reach the lifecycle as they do for agents.
 */
const scriptLauncher: TaskLauncher = async (task) => ({
  file: typeof task.agentOptions.program === 'string' ? task.agentOptions.program : '/bin/sh',
  args: ['-c', task.prompt],
  env: {},
  cwd: tempDir(),
});

async function coreWithProject(): Promise<{ core: Core; project: Project }> {
  const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger(), launcher: scriptLauncher });
  cores.push(core);
  return { core, project: await core.projects.add(makeRepo({ files: { 'README.md': '# lifecycle\n' } })) };
}

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.output as T;
}

async function refusal(core: Core, method: string, input: unknown): Promise<ErrorData> {
  const result = await core.dispatch(method, input);
  if (result.ok) throw new Error(`${method} succeeded for ${JSON.stringify(input)}`);
  return result.error;
}

/** Every status the bus announced for the task, in order. */
function announced(core: Core, taskId: string): Task['status'][] {
  const seen: Task['status'][] = [];
  core.bus.subscribe(({ event, payload }) => {
    if (event === 'task.changed' && payload.kind !== 'deleted' && payload.task.id === taskId) seen.push(payload.task.status);
  });
  return seen;
}

const statusOf = (core: Core, task: Task) => core.tasks.get(task.id).status;

describe('a card dropped on a column, through the dispatcher', () => {
  it('moves the card where the board allows, and refuses the rest writing nothing', async () => {
    const { core, project } = await coreWithProject();
    const task = await call<Task>(core, 'tasks.create', { projectId: project.id, title: 'Drag me' });
    const seen = announced(core, task.id);

    expect(await call<Task>(core, 'tasks.update', { id: task.id, patch: { status: 'ready', order: 5 } })).toMatchObject({ status: 'ready', order: 5 });
    expect(await call<Task>(core, 'tasks.update', { id: task.id, patch: { status: 'running' } })).toMatchObject({ status: 'running' });
    // Within its column a card only changes place.
    expect(await call<Task>(core, 'tasks.update', { id: task.id, patch: { status: 'running', order: 7 } })).toMatchObject({ status: 'running', order: 7 });
    expect(seen).toEqual(['ready', 'running', 'running']);

    // Tried: a Running card dropped on the Backlog with a new place; then one dropped on Needs input.
    const back = await refusal(core, 'tasks.update', { id: task.id, patch: { status: 'backlog', order: 1 } });
    expect(back).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: 'running', event: 'user.drag.backlog' } });
    expect(back.message).toMatch(/running.*user\.drag\.backlog/);
    const asking = await refusal(core, 'tasks.update', { id: task.id, patch: { status: 'needs_input' } });
    expect(asking).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: 'running', event: 'user.drag.needs_input' } });
    expect(core.tasks.get(task.id)).toMatchObject({ status: 'running', order: 7 });
    expect(seen).toHaveLength(3);

    expect(await call<Task>(core, 'tasks.update', { id: task.id, patch: { status: 'done', title: 'Dragged' } })).toMatchObject({ status: 'done', title: 'Dragged' });
    expect(seen).toEqual(['ready', 'running', 'running', 'done']);

    // Tried: a new task made straight into Needs input; none is made.
    const made = await refusal(core, 'tasks.create', { projectId: project.id, title: 'Asks already', status: 'needs_input' });
    expect(made).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: null, event: 'user.create.needs_input' } });
    expect(core.tasks.list(project.id).map((t) => t.title)).toEqual(['Dragged']);
  });
});

describe('the scheduler and the sessions it starts', () => {
  it('starts a backlog task into Running, fails the one that cannot start, and a stop sends the other back to Ready', async () => {
    const { core, project } = await coreWithProject();
    const long = core.tasks.create({ projectId: project.id, title: 'Long', prompt: 'sleep 30' });
    const missing = core.tasks.create({ projectId: project.id, title: 'Missing', prompt: 'true', agentOptions: { program: '/no/such/agent' } });
    const seen = announced(core, long.id);

    core.scheduler.run(project.id);
    await waitFor('the start of both', () => statusOf(core, long) === 'running' && statusOf(core, missing) === 'failed', SLOW_MS);
    expect(core.scheduler.status(project.id).lastError).toMatchObject({ taskId: missing.id, code: 'AGENT_NOT_FOUND' });
    core.scheduler.pause(project.id);
    await core.scheduler.settled();

    // Stopped on purpose in the middle of its work: back to Ready, never failed.
    const [session] = core.sessions.list({ taskId: long.id });
    await core.sessions.stop(session!.id);
    await waitFor('the stop', () => core.sessions.get(session!.id).endedAt !== null && statusOf(core, long) === 'ready', SLOW_MS);
    expect(seen).toEqual(['running', 'ready']);
  });

  it('moves a task to Review when its session exits cleanly, and to Failed when it crashes', async () => {
    const { core, project } = await coreWithProject();
    const clean = core.tasks.create({ projectId: project.id, title: 'Clean', prompt: 'echo done; exit 0', status: 'ready' });
    const crash = core.tasks.create({ projectId: project.id, title: 'Crash', prompt: 'echo broken; exit 3', status: 'ready' });
    const seenClean = announced(core, clean.id);
    const seenCrash = announced(core, crash.id);

    await call(core, 'sessions.start', { taskId: clean.id });
    await call(core, 'sessions.start', { taskId: crash.id });
    await waitFor('both exits', () => statusOf(core, clean) === 'review' && statusOf(core, crash) === 'failed', SLOW_MS);
    expect(seenClean).toEqual(['running', 'review']);
    expect(seenCrash).toEqual(['running', 'failed']);
  });
});

describe('a merge', () => {
  it('makes the task Done and stops its agent, which leaves the task Done', async () => {
    const { core, project } = await coreWithProject();
    const task = core.tasks.create({ projectId: project.id, title: 'Land me', prompt: 'sleep 30', status: 'ready' });
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    gitIn(worktree.path, ['commit', '--allow-empty', '-m', 'the work']);
    const session = await core.sessions.start(task.id);
    expect(statusOf(core, task)).toBe('running');
    const seen = announced(core, task.id);

    const merged = await call<{ merged: boolean; removed: boolean }>(core, 'review.merge', { taskId: task.id, strategy: 'merge', finish: true });
    expect(merged).toMatchObject({ merged: true, removed: true });
    await waitFor('the agent to stop', () => core.sessions.get(session.id).endedAt !== null, SLOW_MS);
    expect(statusOf(core, task)).toBe('done');
    expect(seen).toEqual(['done']);
  });
});

describe('a plan import', () => {
  it('starts new tasks where the plan says, and a re-import that marks one done finishes it wherever it is', async () => {
    const { core, project } = await coreWithProject();
    const content = '## Tasks\n- [ ] Alpha\n- [x] Beta\n- [ ] Gamma\n';
    await call(core, 'plans.import', { projectId: project.id, content, fileName: 'todo.md' });
    const tasks = core.tasks.list(project.id);
    expect(tasks.map((t) => [t.title, t.status])).toEqual([['Alpha', 'backlog'], ['Beta', 'done'], ['Gamma', 'backlog']]);

    const gamma = tasks.find((t) => t.title === 'Gamma')!;
    await call(core, 'tasks.update', { id: gamma.id, patch: { status: 'running' } });
    const seen = announced(core, gamma.id);
    const again = await call(core, 'plans.import', { projectId: project.id, content: content.replace('- [ ] Gamma', '- [x] Gamma'), fileName: 'todo.md' });
    expect(again).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(core.tasks.list(project.id).map((t) => [t.title, t.status])).toEqual([['Alpha', 'backlog'], ['Beta', 'done'], ['Gamma', 'done']]);
    expect(seen).toEqual(['done']);

    // A plan that no longer says done does not undo the work.
    await call(core, 'plans.import', { projectId: project.id, content, fileName: 'todo.md' });
    expect(statusOf(core, gamma)).toBe('done');
  });
});
