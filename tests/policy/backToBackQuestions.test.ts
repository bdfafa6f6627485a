import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

const LOAD_AGENT = join(import.meta.dirname, '../fixtures/load-agent.mjs');
/** Questions the agent asks, each right after the answer to the one before. */
const QUESTIONS = 8;
/** The whole exchange on a loaded 2-core machine (ms). */
const EXCHANGE_TIMEOUT_MS = 60_000;

describe('questions asked back to back', () => {
  it.each([
    ['with a title that says it asks', 'titled', 'numbered'],
    ['with no title, only the screen (the answer sent is what says the question was answered)', 'untitled', 'numbered'],
    ['each in the same words, with a title', 'titled', 'same'],
    ['each in the same words, with no title (the answer\'s output above the question again says it is asked again)', 'untitled', 'same'],
  ])(`surfaces each of ${QUESTIONS} questions whose answer and successor come in one write, each reported waiting and answered through the inbox, and the agent ends: %s`, async (_, titles, words) => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    // argv: shape, 0 = the next question in the same write as the answer's echo, how many questions, titles or not, words.
    const command = [process.execPath, LOAD_AGENT, 'steady', '0', String(QUESTIONS), titles, words];
    const task = core.tasks.create({ projectId: project.id, title: 'asks', prompt: '', agentKind: 'custom', agentOptions: { command, promptDelivery: 'none' } });
    const asked: string[] = [];
    const refused: string[] = [];
    // What a policy that follows the sessions' states does (the load run, a headless run): each time a
    // session is reported waiting, its question is answered yes through the inbox.
    core.bus.subscribe(({ event, payload }) => {
      if (event !== 'session.state' || payload.change.state !== 'needs_input') return;
      core.inbox.answer({ sessionId: payload.sessionId }, { kind: 'allow' }).then(
        ({ item }) => asked.push(item.question),
        (error: Error) => refused.push(error.message),
      );
    });
    const session = await core.sessions.start(task.id);
    await waitFor('the agent ended by itself', () => core.sessions.get(session.id).endedAt !== null, {
      timeoutMs: EXCHANGE_TIMEOUT_MS,
      explain: () => JSON.stringify({ asked, states: core.sessions.history(session.id).map((c) => `${c.state}/${c.detail ?? ''}`), items: core.inbox.list() }, null, 1),
    });
    const text = await core.transcript.raw(session.id);
    expect(text, 'its last word').toContain(`END lines=`);
    expect(/END lines=\d+ asked=(\d+) answered=(\d+)/.exec(text)?.slice(1)).toEqual([String(QUESTIONS), String(QUESTIONS)]);
    expect(asked).toEqual(Array.from({ length: QUESTIONS }, (_, i) => (words === 'same' ? 'Allow edit? (y/n)' : `Allow edit ${i + 1}? (y/n)`)));
    const states = core.sessions.history(session.id).map((c) => `${c.state}/${c.source}/${c.detail ?? ''}`);
    expect(states.filter((s) => s.startsWith('needs_input')), states.join('\n')).toHaveLength(QUESTIONS);
    expect(refused, 'every state change found its question in the inbox').toEqual([]);
    expect(core.sessions.get(session.id)).toMatchObject({ state: 'exited' });
    expect(core.inbox.list()).toEqual([]);
  }, 90_000);
});
