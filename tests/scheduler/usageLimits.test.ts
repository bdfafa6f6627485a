import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationDto, Task } from '../../shared/contract';
import type { Core } from '../../electron/core/app';
import { LIMIT_RESUME_MARGIN_MS } from '../../electron/core/scheduler/usageLimitWaits';
import { INTERRUPTED_FOLLOW_UP } from '../../electron/core/sessions/sessionService';
import { makeCore } from '../helpers/core';
import { answerQuestions, installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** Seconds after the first prompt at which the fake agent's usage limit resets. */
const LIMIT_S = 8;
/** How long a whole run may take on a loaded 2-core machine (ms). */
const RUN_TIMEOUT_MS = 90_000;
/** A whole test: waits for a reset and a resumed turn on a loaded machine (ms). */
const TEST_TIMEOUT_MS = 180_000;

afterEach(() => {
  delete process.env.FAKE_AGENT_LIMIT;
});

/** `switchyard tasks --json` on the data folder. */
function tasksJson(dataDir: string, repo: string): Promise<{ title: string; status: string; limitResetAt: number | null; reason: Task['reason'] }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'tasks', '--project', repo, '--json', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`tasks --json exited ${code}: ${err}`))));
  });
}

const text = async (core: Core, sessionId: string) => (await core.transcripts.export(sessionId, 'text')).data;

describe('an agent that hits its usage limit', () => {
  it('makes its task wait for the reset, starts nothing else of that agent meanwhile, then resumes its conversation by itself', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_LIMIT = String(LIMIT_S);
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const core = makeCore(dataDir);
    const project = await core.projects.add(repo);
    // One agent at a time: once the first stops at its limit, a slot is free for the second.
    core.settings.set('scheduler.maxConcurrent', 1, 'project', project.id);
    const first = core.tasks.create({ projectId: project.id, title: 'First', priority: 'urgent', prompt: 'Add a line for the first' });
    const second = core.tasks.create({ projectId: project.id, title: 'Second', prompt: 'Add a line for the second' });
    answerQuestions(core);
    const notifications: NotificationDto[] = [];
    const secondStarts: number[] = [];
    core.bus.subscribe(({ event, payload }) => {
      if (event === 'notify.show') notifications.push(payload);
      if (event === 'task.changed' && payload.kind === 'updated' && payload.task.id === second.id && payload.task.status === 'running') secondStarts.push(Date.now());
    });

    core.scheduler.run(project.id);
    await waitFor('the first task waits at its limit', () => core.tasks.get(first.id).limitResetAt !== null, RUN_TIMEOUT_MS);
    const waiting = core.tasks.get(first.id);
    expect(waiting).toMatchObject({ status: 'ready', reason: { kind: 'usage_limit', code: 'USAGE_LIMIT', attempts: 0 } });
    expect(waiting.reason!.message).toMatch(/^Claude AI usage limit reached\|\d{10}$/);
    const resetAt = Number(/\|(\d+)$/.exec(waiting.reason!.message)![1]) * 1000;
    expect(waiting.limitResetAt).toBe(resetAt + LIMIT_RESUME_MARGIN_MS);
    expect(waiting.reason!.retryAt).toBe(waiting.limitResetAt);
    const [limited] = core.sessions.list({ taskId: first.id });
    await waitFor('its agent stopped', () => core.sessions.get(limited!.id).endedAt !== null, RUN_TIMEOUT_MS);
    expect(core.sessions.get(limited!.id).stopReason).toBe('usage_limit');

    // The wait is on the task, as every client reads it; the second task of the same agent stays in Ready.
    const read = await core.dispatch('tasks.get', { id: first.id });
    expect(read.ok && read.output).toMatchObject({ status: 'ready', limitResetAt: waiting.limitResetAt });
    await core.scheduler.settled();
    expect(core.tasks.get(second.id).status).toBe('ready');
    expect(core.sessions.list({ taskId: second.id })).toEqual([]);

    // After the reset the first agent goes on in its own conversation, in the same session.
    await waitFor('the first task resumed', () => core.sessions.get(limited!.id).endedAt === null, RUN_TIMEOUT_MS);
    expect(Date.now()).toBeGreaterThanOrEqual(waiting.limitResetAt!);
    await waitFor('resumed with --resume', async () => (await text(core, limited!.id)).includes(`Resumed conversation ${limited!.agentSessionId}`), RUN_TIMEOUT_MS);
    await waitFor('told to go on', async () => (await text(core, limited!.id)).includes(INTERRUPTED_FOLLOW_UP.slice(0, 40)), RUN_TIMEOUT_MS);
    await waitFor('both tasks in review', () => [first, second].every((t) => core.tasks.get(t.id).status === 'review'), RUN_TIMEOUT_MS);
    expect(core.sessions.list({ taskId: first.id })).toHaveLength(1);
    expect(core.tasks.get(first.id)).toMatchObject({ limitResetAt: null, reason: null });
    // Nothing of that agent started before the reset.
    expect(secondStarts.length).toBeGreaterThan(0);
    expect(Math.min(...secondStarts)).toBeGreaterThanOrEqual(waiting.limitResetAt!);
    // The user is told the limit reset (after the start-up quiet window, in its summary if need be).
    await waitFor('a limit reset notification', () => notifications.some((n) => `${n.title} ${n.body}`.includes('usage limit reset')), RUN_TIMEOUT_MS);
  }, TEST_TIMEOUT_MS);

  it('is listed by tasks --json while the task waits', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_LIMIT = '600';
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const core = makeCore(dataDir);
    const project = await core.projects.add(repo);
    const task = core.tasks.create({ projectId: project.id, title: 'Limited', prompt: 'Add a line' });
    const session = await core.sessions.start(task.id);
    await waitFor('the task waits at its limit', () => core.tasks.get(task.id).limitResetAt !== null, RUN_TIMEOUT_MS);
    await waitFor('its agent stopped', () => core.sessions.get(session.id).endedAt !== null, RUN_TIMEOUT_MS);
    const until = core.tasks.get(task.id).limitResetAt;
    // One core per data folder: the command reads it once this one is closed.
    await core.dispose();
    const listed = await tasksJson(dataDir, repo);
    expect(listed.find((t) => t.title === 'Limited')).toMatchObject({ status: 'ready', limitResetAt: until, reason: { kind: 'usage_limit', code: 'USAGE_LIMIT' } });
  }, TEST_TIMEOUT_MS);

  it('resumes a task the user started, with no run on, once the limit resets', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_LIMIT = '3';
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    answerQuestions(core);
    const task = core.tasks.create({ projectId: project.id, title: 'By hand', prompt: 'Add a line' });
    // Tried: started from its card, the project's run never turned on.
    const session = await core.sessions.start(task.id);
    await waitFor('the task waits at its limit', () => core.tasks.get(task.id).limitResetAt !== null, RUN_TIMEOUT_MS);
    const until = core.tasks.get(task.id).limitResetAt!;
    await waitFor('its agent stopped', () => core.sessions.get(session.id).endedAt !== null, RUN_TIMEOUT_MS);
    expect(core.scheduler.status(project.id).active).toBe(false);
    await waitFor('resumed by itself', () => core.sessions.get(session.id).endedAt === null, RUN_TIMEOUT_MS);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    await waitFor('its work done', () => core.tasks.get(task.id).status === 'review', RUN_TIMEOUT_MS);
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
    // Only the waiting task was started: the run is still off.
    expect(core.scheduler.status(project.id).active).toBe(false);
  }, TEST_TIMEOUT_MS);

  it('with scheduler.waitAtLimits off, leaves the agent as it is and starts the next task', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_LIMIT = '600';
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.maxConcurrent', 1, 'project', project.id);
    // Tried: the setting turned off for this project.
    core.settings.set('scheduler.waitAtLimits', false, 'project', project.id);
    const first = core.tasks.create({ projectId: project.id, title: 'First', priority: 'urgent', prompt: 'Add a line' });
    const second = core.tasks.create({ projectId: project.id, title: 'Second', prompt: 'Add another line' });

    core.scheduler.run(project.id);
    await waitFor('the first agent showed its limit', async () => {
      const [session] = core.sessions.list({ taskId: first.id });
      return session !== undefined && (await text(core, session.id)).includes('Claude AI usage limit reached');
    }, RUN_TIMEOUT_MS);
    // Its turn ended (StopFailure): the task is in review with its agent live, and no wait.
    await waitFor('the first task in review', () => core.tasks.get(first.id).status === 'review', RUN_TIMEOUT_MS);
    await waitFor('the second task started', () => core.sessions.list({ taskId: second.id }).length > 0, RUN_TIMEOUT_MS);
    const task: Task = core.tasks.get(first.id);
    expect(task).toMatchObject({ limitResetAt: null, reason: null });
    const [session] = core.sessions.list({ taskId: first.id });
    expect(session).toMatchObject({ endedAt: null, stopReason: null });
  }, TEST_TIMEOUT_MS);
});
