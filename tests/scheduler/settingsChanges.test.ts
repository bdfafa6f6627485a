import { describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app';
import { makeCore } from '../helpers/core';
import { answerQuestions, installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

/** A task whose agent is a shell command that prints nothing for a minute: it sends no event. */
const quiet = { agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', 'sleep 60'], promptDelivery: 'none' as const } };
const TIMEOUT_MS = 20_000;

const status = (core: Core, taskId: string) => core.tasks.get(taskId).status;

describe('a setting changed while agents run', () => {
  it('a higher scheduler.maxConcurrent starts a waiting task at once, with no other event', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.maxConcurrent', 1, 'project', project.id);
    const first = core.tasks.create({ projectId: project.id, title: 'First', ...quiet });
    const second = core.tasks.create({ projectId: project.id, title: 'Second', ...quiet });
    core.scheduler.run(project.id);
    await waitFor('one agent running', () => [first, second].some((t) => status(core, t.id) === 'running'), TIMEOUT_MS);
    await core.scheduler.settled();
    const waiting = [first, second].find((t) => status(core, t.id) !== 'running')!;
    expect(status(core, waiting.id)).toBe('ready');

    // Tried: raising the limit from the settings while the running agent is silent.
    core.settings.set('scheduler.maxConcurrent', 2, 'project', project.id);
    await waitFor('the waiting task started', () => status(core, waiting.id) === 'running', TIMEOUT_MS);
    await core.scheduler.settled();
    expect(core.sessions.list({ projectId: project.id }).filter((s) => s.endedAt === null)).toHaveLength(2);
  });

  it('a shorter sessions.idleStopMinutes stops an agent already idle in review past it', async () => {
    installFakeClaude(50);
    const core = makeCore();
    answerQuestions(core);
    const project = await core.projects.add(makeRepo());
    // 0 means never: the agent is left idle in review.
    core.settings.set('sessions.idleStopMinutes', 0, 'project', project.id);
    const task = core.tasks.create({ projectId: project.id, title: 'Idle', prompt: 'Add a line' });
    const session = await core.sessions.start(task.id);
    await waitFor('in review', () => status(core, task.id) === 'review' && core.sessions.get(session.id).state === 'idle', TIMEOUT_MS);
    await core.scheduler.settled();
    expect(core.sessions.get(session.id).endedAt).toBeNull();

    // About a second: the agent has been idle that long by the time the timer fires.
    core.settings.set('sessions.idleStopMinutes', 0.02, 'project', project.id);
    await waitFor('the idle agent stopped', () => core.sessions.get(session.id).endedAt !== null, TIMEOUT_MS);
    expect(core.sessions.get(session.id)).toMatchObject({ stopReason: 'idle', state: 'exited' });
    expect(status(core, task.id)).toBe('review');
  });
});
