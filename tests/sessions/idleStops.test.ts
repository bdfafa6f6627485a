import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/contract';
import type { Core } from '../../electron/core/app';
import { makeCore } from '../helpers/core';
import { answerQuestions, installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';
import { call } from '../worktrees/fixture';

/** The idle setting the test gives its first project: about two seconds (minutes). */
const IDLE_MINUTES = 0.03;
const TIMEOUT_MS = 60_000;
/** A whole test: two idle waits and a resume on a loaded machine (ms). */
const TEST_TIMEOUT_MS = 180_000;

const text = async (core: Core, sessionId: string) => (await core.transcripts.export(sessionId, 'text')).data;

describe('an agent idle in review', () => {
  it('is stopped past sessions.idleStopMinutes, its task staying in review, and resumes its conversation later', async () => {
    installFakeClaude(50);
    const core = makeCore();
    answerQuestions(core);
    const quick = await core.projects.add(makeRepo());
    const patient = await core.projects.add(makeRepo());
    core.settings.set('sessions.idleStopMinutes', IDLE_MINUTES, 'project', quick.id);
    // Tried: 0, which means never, for the other project.
    core.settings.set('sessions.idleStopMinutes', 0, 'project', patient.id);
    const task = core.tasks.create({ projectId: quick.id, title: 'Quick', prompt: 'Add a line' });
    const kept = core.tasks.create({ projectId: patient.id, title: 'Kept', prompt: 'Add a line' });
    const session = await core.sessions.start(task.id);
    const keptSession = await core.sessions.start(kept.id);

    await waitFor('both in review', () => core.tasks.get(task.id).status === 'review' && core.tasks.get(kept.id).status === 'review', TIMEOUT_MS);
    await waitFor('the idle agent stopped', () => core.sessions.get(session.id).endedAt !== null, TIMEOUT_MS);
    // Not before its idle time was over.
    const stopped = core.sessions.get(session.id);
    expect(stopped.endedAt! - Math.max(core.tasks.get(task.id).updatedAt, core.sessions.history(session.id).findLast((c) => c.state === 'idle')!.at)).toBeGreaterThanOrEqual(
      IDLE_MINUTES * 60_000,
    );
    expect(stopped).toMatchObject({ stopReason: 'idle', state: 'exited' });
    expect(core.tasks.get(task.id)).toMatchObject({ status: 'review', reason: null });
    // The other project's agent, once idle in review for longer than that, is still live.
    await waitFor('the kept agent idle past the first one\'s setting', () => Date.now() - core.tasks.get(kept.id).updatedAt > IDLE_MINUTES * 60_000 * 2, TIMEOUT_MS);
    await core.scheduler.settled();
    const live = await call<Session[]>(core, 'sessions.live', {});
    expect(live.map((s) => s.id)).toEqual([keptSession.id]);

    // Resume: the same session, the agent's own conversation, the task still in review.
    const resumed = await call<Session>(core, 'sessions.resume', { sessionId: session.id });
    expect(resumed).toMatchObject({ id: session.id, agentSessionId: session.agentSessionId, endedAt: null, stopReason: null });
    await waitFor('resumed with --resume', async () => (await text(core, session.id)).includes(`Resumed conversation ${session.agentSessionId}`), TIMEOUT_MS);
    expect(core.tasks.get(task.id).status).toBe('review');
    // Idle again in review: stopped again, and started again from the card it resumes the same conversation.
    await waitFor('stopped again', () => core.sessions.get(session.id).endedAt !== null, TIMEOUT_MS);
    expect(core.sessions.get(session.id).stopReason).toBe('idle');
    const again = await core.sessions.start(task.id);
    expect(again).toMatchObject({ id: session.id, endedAt: null });
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
    expect(core.tasks.get(task.id).status).toBe('review');
    expect(core.sessions.get(keptSession.id).endedAt).toBeNull();
  }, TEST_TIMEOUT_MS);
});
