import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientContext } from '../../electron/core/clientContext';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { makeHost, outputOf, shell } from './hostHarness';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const ASKS_CURSOR = join(import.meta.dirname, '..', 'fixtures', 'asks-cursor.mjs');

/** What the program got, in order, as its GOT lines say. */
function got(transcript: string): string[] {
  return [...transcript.matchAll(/GOT (".*?")\r*\n/g)].map((m) => JSON.parse(m[1]!) as string);
}

const pane = (clientId: string, onData: (data: string) => void = () => {}): ClientContext => ({
  clientId,
  send: (event, payload) => {
    if (event === 'terminal.data') onData((payload as { data: string }).data);
  },
  onClose: () => ({ dispose: () => {} }),
});

async function sessionOf(args: string[]) {
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const task = core.tasks.create({
    projectId: project.id,
    title: 'asks',
    prompt: '',
    agentKind: 'custom',
    agentOptions: { command: [process.execPath, ASKS_CURSOR, ...args], promptDelivery: 'none' },
  });
  return { core, session: await core.sessions.start(task.id) };
}

describe("a program's questions to its terminal", () => {
  it('are answered for a session no pane shows: an agent started unwatched does not wait for the cursor position', async () => {
    const { core, session } = await sessionOf([]);
    await waitFor('an answer', async () => got(await core.transcript.raw(session.id)).length > 0);
    // Where the cursor is after "asking": row 1, column 7.
    expect(got(await core.transcript.raw(session.id))).toEqual(['\x1b[1;7R']);
  });

  it("about its colours are answered by the host with the panes' colours, and a colour it sets is the one it is told after", async () => {
    // Tried: the background, a palette colour, the foreground and background in one sequence, the
    // background set then asked, restored then asked, and a palette set between two questions.
    const question = [
      '\x1b]11;?\x07',
      '\x1b]4;1;?\x1b\\',
      '\x1b]10;?;?\x07',
      '\x1b]11;#123456\x07\x1b]11;?\x07',
      '\x1b]111\x07\x1b]11;?\x07',
      '\x1b]4;196;?;1;rgb:ff/00/ff;1;?\x07',
    ].join('');
    const { core, session } = await sessionOf(['now', question]);
    const background = '\x1b]11;rgb:0f0f/1111/1515\x1b\\';
    const expected = [
      background,
      '\x1b]4;1;rgb:cccc/0000/0000\x1b\\',
      '\x1b]10;rgb:ffff/ffff/ffff\x1b\\',
      background,
      '\x1b]11;rgb:1212/3434/5656\x1b\\',
      background,
      '\x1b]4;196;rgb:ffff/0000/0000\x1b\\',
      '\x1b]4;1;rgb:ffff/0000/ffff\x1b\\',
    ].join('');
    await waitFor('every answer', async () => got(await core.transcript.raw(session.id)).join('').length >= expected.length);
    expect(got(await core.transcript.raw(session.id)).join('')).toBe(expected);
    // A pane opened now starts with the colour the program set and kept (the background it restored is the theme's again).
    const { snapshot } = await core.sessions.attach(session.id, pane('late-pane'));
    expect(snapshot.startsWith('\x1b]4;1;rgb:ff/00/ff\x1b\\asking')).toBe(true);
  });

  it('are answered once by the host however many panes show the session: panes leave them to it', async () => {
    const { core, session } = await sessionOf(['wait']);
    let shown = '';
    await core.sessions.attach(session.id, pane('first-pane', (data) => (shown += data)));
    await core.sessions.attach(session.id, pane('second-pane'));
    await core.sessions.input(session.id, '\r');
    await waitFor('the question shown', () => shown.includes('\x1b[6n'));
    // Panes answer nothing (the app's xterm.js leaves these queries to the host; tests/e2e/panes.e2e.test.ts checks it).
    await waitFor('the answer', async () => got(await core.transcript.raw(session.id)).length === 2);
    await core.sessions.input(session.id, 'x');
    await waitFor('the key after the answer', async () => got(await core.transcript.raw(session.id)).includes('x'));
    // "asking" and a line end: row 2, column 7.
    expect(got(await core.transcript.raw(session.id))).toEqual(['\r', '\x1b[2;7R', 'x']);
  });

  it('are answered while a pane comes and goes, each once, wherever the pane left in the mirror\'s batch', async () => {
    const { core, session } = await sessionOf(['ticking']);
    // Tried three times: the detach lands at a different point of the mirror's 16 ms batch each time.
    for (let round = 1; round <= 3; round++) {
      let shown = '';
      const watching = pane(`leaving-pane-${round}`, (data) => (shown += data));
      await core.sessions.attach(session.id, watching);
      await waitFor('ticks shown', () => shown.length > 20);
      await core.sessions.detach(session.id, watching);
      await core.sessions.input(session.id, 'd');
      await waitFor(`the mirror's answer after detach ${round}`, async () => got(await core.transcript.raw(session.id)).filter((g) => g.endsWith('R')).length === round);
    }
  });

  it('are answered to the run that asked: a program started again at once in the session does not get its predecessor\'s answer', async () => {
    const { host, events } = makeHost();
    let restarted: Promise<unknown> | undefined;
    // Tried: the session's program asks and exits at once, and the session is started again in the same moment, before the mirror has read the question.
    host.onEvent((event) => {
      if (event.type === 'exited' && event.sessionId === 'again' && restarted === undefined) {
        restarted = host.send({ type: 'spawn', sessionId: 'again', cols: 80, rows: 24, launch: { file: process.execPath, args: [ASKS_CURSOR, 'wait'], env: {}, cwd: tempDir() } });
      }
    });
    await host.send({ type: 'spawn', sessionId: 'again', cols: 80, rows: 24, launch: shell("printf 'asking\\033[6n'") });
    await waitFor('started again', () => restarted !== undefined);
    await restarted;
    // Attaching waits until the mirror has read everything so far: an answer of its would have been written by then.
    await host.send({ type: 'attach', sessionId: 'again', clientId: 'late-pane' });
    host.post({ type: 'input', sessionId: 'again', data: 'x' });
    await waitFor('the key typed', () => got(outputOf(events, 'again')).includes('x'));
    expect(got(outputOf(events, 'again'))).toEqual(['x']);
  });
});

