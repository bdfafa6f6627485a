import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/contract';
import { crashReason, lastLine, OutputTail, CRASH_TAIL_CHARS, ranFor } from '../../electron/core/sessions/crashReason';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';
import { call } from '../worktrees/fixture';

afterEach(() => {
  delete process.env.FAKE_AGENT_CRASH;
});

describe('the reason of a crash', () => {
  it('says how the agent exited, after how long, and the last line it printed', () => {
    expect(ranFor(2_400)).toBe('2 s');
    expect(ranFor(185_000)).toBe('3 min');
    expect(ranFor(3_900_000)).toBe('1 h 5 min');
    expect(lastLine('\x1b[31mError: out of memory\x1b[0m\r\n  \r\n')).toBe('Error: out of memory');
    expect(lastLine('\x1b[2J')).toBeNull();
    expect(crashReason({ exitCode: 3, signal: null }, 2_000, 'working…\r\nError: out of memory\r\n')).toEqual({
      kind: 'crashed',
      code: 'AGENT_CRASHED',
      message: 'agent exited with code 3 after 2 s: Error: out of memory',
      attempts: 0,
      retryAt: null,
    });
    expect(crashReason({ exitCode: 0, signal: 9 }, 61_000, '').message).toBe('agent was killed by signal 9 after 1 min');
  });

  it('keeps only the end of a flood of output', () => {
    const tail = new OutputTail();
    tail.push('s', 'a'.repeat(CRASH_TAIL_CHARS * 3));
    tail.push('s', 'last words');
    const kept = tail.take('s');
    expect(kept).toHaveLength(CRASH_TAIL_CHARS);
    expect(kept.endsWith('last words')).toBe(true);
    // Taken once: the session's program ended.
    expect(tail.take('s')).toBe('');
  });

  it('is stored on the task of an agent that crashed, and none on one the user stopped', async () => {
    installFakeClaude(60_000);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());

    // Tried: an agent that exits with code 3 right after its prompt.
    process.env.FAKE_AGENT_CRASH = '3';
    const crashing = core.tasks.create({ projectId: project.id, title: 'Crashes', prompt: 'Do it' });
    const crashed = await core.sessions.start(crashing.id);
    await waitFor('the task failed', () => core.tasks.get(crashing.id).status === 'failed', 30_000);
    const reason = core.tasks.get(crashing.id).reason;
    expect(reason).toMatchObject({ kind: 'crashed', code: 'AGENT_CRASHED', attempts: 0, retryAt: null });
    expect(reason!.message).toMatch(/^agent exited with code 3 after \d+ s: at handlePrompt \(fake-agent\.mjs\)$/);
    expect(core.sessions.get(crashed.id)).toMatchObject({ exitCode: 3, stopReason: null });
    delete process.env.FAKE_AGENT_CRASH;

    // Tried: the user stopping an agent at work: the task goes back to ready without a reason.
    const stopped = core.tasks.create({ projectId: project.id, title: 'Stopped', prompt: 'Think long' });
    const session = await core.sessions.start(stopped.id);
    await waitFor('working', () => core.sessions.get(session.id).state === 'working', 30_000);
    await call(core, 'sessions.stop', { sessionId: session.id });
    await waitFor('ended', () => core.sessions.get(session.id).endedAt !== null, 30_000);
    expect(core.tasks.get(stopped.id)).toMatchObject({ status: 'ready', reason: null });
    expect(core.sessions.get(session.id).stopReason).toBe('user');
  });
});

describe('sessions.live', () => {
  it('lists the sessions whose program runs, of every project or of one, and not those that ended', async () => {
    installFakeClaude(60_000);
    const core = makeCore();
    const one = await core.projects.add(makeRepo());
    const two = await core.projects.add(makeRepo());
    const a = await core.sessions.start(core.tasks.create({ projectId: one.id, title: 'A', prompt: 'Think long' }).id);
    const b = await core.sessions.start(core.tasks.create({ projectId: two.id, title: 'B', prompt: 'Think long' }).id);

    const ids = (sessions: Session[]) => sessions.map((s) => s.id);
    expect(ids(await call<Session[]>(core, 'sessions.live', {}))).toEqual([a.id, b.id]);
    expect(ids(await call<Session[]>(core, 'sessions.live', { projectId: two.id }))).toEqual([b.id]);

    await core.sessions.stop(a.id);
    await waitFor('A ended', () => core.sessions.get(a.id).endedAt !== null, 30_000);
    expect(ids(await call<Session[]>(core, 'sessions.live', {}))).toEqual([b.id]);
    expect(ids(await call<Session[]>(core, 'sessions.live', { projectId: one.id }))).toEqual([]);
    // Tried: a project id that is not an id.
    const refused = await core.dispatch('sessions.live', { projectId: 42 });
    expect(refused.ok ? null : refused.error.code).toBe('BAD_INPUT');
  });
});
