import headlessModule from '@xterm/headless';
import serializeModule from '@xterm/addon-serialize';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../shared/errors';
import { sessionMembers } from '../../electron/core/sessions/processGroup';
import { liveGroupMembers } from '../helpers/processes';
import type { HostEvent } from '../../electron/core/sessions/hostProtocol';
import type { SessionHost } from '../../electron/core/sessions/sessionHost';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { exitOf, makeHost, nodeScript, outputOf, shell } from './hostHarness';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

async function typedError(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('expected a typed error, got a result');
}

/** Writes text into a fresh headless terminal and returns it once parsed. */
async function render(cols: number, rows: number, text: string) {
  const terminal = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  const serializer = new SerializeAddon();
  terminal.loadAddon(serializer as never);
  await new Promise<void>((resolve) => terminal.write(text, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  const result = { lines, cursor: [buffer.cursorX, buffer.cursorY], serialized: serializer.serialize() };
  terminal.dispose();
  return result;
}

/** Prints `total` lines of 1,000 'x' as fast as the pty takes them, then a marker. */
function flood(totalLines: number) {
  return nodeScript(`
    const line = 'x'.repeat(1000) + '\\n';
    let n = 0;
    (function write() {
      while (n < ${totalLines}) { n++; if (!process.stdout.write(line)) return process.stdout.once('drain', write); }
      process.stdout.write('FLOOD-DONE\\n');
    })();
  `);
}

/** A client `c1` that keeps up: it acknowledges everything it was sent, as xterm would after parsing, until the session exits. */
async function keepUpUntilExit(host: SessionHost, events: HostEvent[], sessionId: string, timeoutMs: number): Promise<void> {
  let acked = 0;
  const keepUp = setInterval(() => {
    const sent = events
      .filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output' && e.to.includes('c1'))
      .reduce((n, e) => n + e.data.length, 0);
    if (sent > acked) void host.send({ type: 'ack', sessionId, clientId: 'c1', chars: sent - acked });
    acked = sent;
  }, 5);
  try {
    await waitFor(`${sessionId} done`, () => exitOf(events, sessionId), timeoutMs);
  } finally {
    clearInterval(keepUp);
  }
}

describe('session host: output', () => {
  it('keeps a multi-byte character whole when the program writes it in two pieces', async () => {
    const { host, events } = makeHost();
    // € is E2 82 AC; 😀 is F0 9F 98 80. Each is split across writes far apart in time.
    await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: shell(`printf '\\342\\202'; sleep 0.2; printf '\\254|\\360\\237'; sleep 0.2; printf '\\230'; sleep 0.2; printf '\\200|end\\n'`),
    });
    await waitFor('exit', () => exitOf(events, 's1'));
    const text = outputOf(events, 's1');
    expect(text).toContain('€|😀|end');
    expect(text).not.toContain('\uFFFD');
  });

  it('delivers the last output of a program that exits right after writing it', async () => {
    // libuv reports end-of-stream on POLLHUP after a partial read while the pty still holds data.
    for (let run = 0; run < 5; run++) {
      const { host, events } = makeHost();
      await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('seq 1 20000; echo THE-END') });
      await waitFor('exit', () => exitOf(events, 's1'));
      expect(outputOf(events, 's1').endsWith('20000\r\nTHE-END\r\n')).toBe(true);
    }
  });

  it('numbers output batches 1, 2, 3, … and batches a burst into few messages', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('for i in $(seq 1 2000); do echo line $i; done') });
    await waitFor('exit', () => exitOf(events, 's1'));
    const batches = events.filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output');
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(outputOf(events, 's1')).toContain('line 2000');
    // 2,000 echo calls are far more than 2,000 pty reads apart; batching must have merged them.
    expect(batches.length).toBeLessThan(500);
  });

  it('reports starting at spawn and exited or failed at exit, with their sources, apart from the pty events', async () => {
    const { host, events, states: reports } = makeHost();
    await host.send({ type: 'spawn', sessionId: 'ok', cols: 80, rows: 24, launch: shell('exit 0') });
    await host.send({ type: 'spawn', sessionId: 'bad', cols: 80, rows: 24, launch: shell('exit 3') });
    await waitFor('both exits', () => exitOf(events, 'ok') && exitOf(events, 'bad'));
    const states = (id: string) => reports.flatMap((r) => (r.sessionId === id ? [`${r.change.state}/${r.change.source}`] : []));
    expect(states('ok')).toEqual(['starting/host', 'exited/exit']);
    expect(states('bad')).toEqual(['starting/host', 'failed/exit']);
    expect(exitOf(events, 'bad')?.exitCode).toBe(3);
    // The pty's stream carries what the pty did, nothing of the agent's state.
    expect(events.every((e) => e.type === 'output' || e.type === 'exited')).toBe(true);
  });

  it('starts the program in the launch cwd with a login-like environment plus the launch env', async () => {
    const { host, events } = makeHost();
    const launch = shell('pwd; echo "term=$TERM extra=$EXTRA lang=${LANG}${LC_ALL}"; echo "vitest=${VITEST:-unset}"');
    launch.env = { EXTRA: 'yes' };
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch });
    await waitFor('exit', () => exitOf(events, 's1'));
    const text = outputOf(events, 's1');
    expect(text).toContain(launch.cwd.split('/').pop()!);
    expect(text).toMatch(/term=xterm-256color extra=yes lang=\S+/);
    expect(text).toContain('vitest=unset');
  });
});

describe('session host: input, resize, interrupt', () => {
  it('delivers input, and a resize reaches the program (tput cols/lines)', async () => {
    const { host, events } = makeHost();
    await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: shell('echo ready; while read line; do echo "got:$line cols=$(tput cols) lines=$(tput lines)"; done'),
    });
    await waitFor('ready', () => outputOf(events, 's1').includes('ready'));
    await host.send({ type: 'input', sessionId: 's1', data: 'one\r' });
    await waitFor('first answer', () => outputOf(events, 's1').includes('got:one cols=80 lines=24'));
    await host.send({ type: 'resize', sessionId: 's1', cols: 123, rows: 41 });
    await host.send({ type: 'input', sessionId: 's1', data: 'two\r' });
    await waitFor('answer after resize', () => outputOf(events, 's1').includes('got:two cols=123 lines=41'));
  });

  it('sends Ctrl-C to the foreground program on interrupt', async () => {
    const { host, events } = makeHost();
    await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: nodeScript(`process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(7); }); console.log('ready'); setInterval(() => {}, 1000);`),
    });
    await waitFor('ready', () => outputOf(events, 's1').includes('ready'));
    await host.send({ type: 'interrupt', sessionId: 's1' });
    const exit = await waitFor('exit', () => exitOf(events, 's1'));
    expect(outputOf(events, 's1')).toContain('got SIGINT');
    expect(exit.exitCode).toBe(7);
  });

  it('answers input, interrupt and stop for an exited or unknown session with SESSION_NOT_RUNNING', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('echo bye') });
    await waitFor('exit', () => exitOf(events, 's1'));
    expect((await typedError(host.send({ type: 'input', sessionId: 's1', data: 'x' }))).code).toBe('SESSION_NOT_RUNNING');
    expect((await typedError(host.send({ type: 'interrupt', sessionId: 's1' }))).code).toBe('SESSION_NOT_RUNNING');
    expect((await typedError(host.send({ type: 'stop', sessionId: 's1' }))).code).toBe('SESSION_NOT_RUNNING');
    expect((await typedError(host.send({ type: 'input', sessionId: 'never', data: 'x' }))).code).toBe('SESSION_NOT_RUNNING');
  });

  it('takes posted keystrokes with no reply, and drops one posted to a program that ended or a session it never held', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('echo ready; read line; echo "got:$line"') });
    await waitFor('ready', () => outputOf(events, 's1').includes('ready'));
    expect(host.post({ type: 'input', sessionId: 's1', data: 'one\r' })).toBeUndefined();
    await waitFor('exit', () => exitOf(events, 's1'));
    expect(outputOf(events, 's1')).toContain('got:one');
    // The sender hears of the exit by its event; a key on its way meanwhile is no failure of the host.
    expect(() => host.post({ type: 'input', sessionId: 's1', data: 'late\r' })).not.toThrow();
    expect(() => host.post({ type: 'input', sessionId: 'never', data: 'x' })).not.toThrow();
    expect(() => host.post({ type: 'ack', sessionId: 'never', clientId: 'c1', chars: 5 })).not.toThrow();
    expect(outputOf(events, 's1')).not.toContain('late');
  });

  it('takes a resize and refuses input in the moment between the exit and its report', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('echo bye') });
    // A pane re-attaching with its size right as the program ends must not fail on the closed pty.
    while (!exitOf(events, 's1')) {
      await host.send({ type: 'resize', sessionId: 's1', cols: 81, rows: 25 });
      // A pause between resizes on purpose, so that they keep coming until the exit is reported.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await typedError(host.send({ type: 'input', sessionId: 's1', data: 'x' }))).code).toBe('SESSION_NOT_RUNNING');
  });

  it('refuses a missing program with AGENT_NOT_FOUND and a missing working directory with PATH_NOT_FOUND', async () => {
    const { host, events } = makeHost();
    const missing = { file: '/no/such/agent', args: [], env: {}, cwd: tempDir() };
    expect((await typedError(host.send({ type: 'spawn', sessionId: 'a', cols: 80, rows: 24, launch: missing }))).code).toBe('AGENT_NOT_FOUND');
    const plainFile = join(tempDir(), 'notes.txt');
    writeFileSync(plainFile, 'not a program', { mode: 0o644 });
    const notExecutable = { ...missing, file: plainFile };
    expect((await typedError(host.send({ type: 'spawn', sessionId: 'b', cols: 80, rows: 24, launch: notExecutable }))).code).toBe('AGENT_NOT_FOUND');
    const nowhere = shell('true', '/no/such/dir');
    expect((await typedError(host.send({ type: 'spawn', sessionId: 'c', cols: 80, rows: 24, launch: nowhere }))).code).toBe('PATH_NOT_FOUND');
    expect(events).toEqual([]);
    expect(await host.send({ type: 'list' })).toEqual([]);
  });

  it('refuses to spawn a second program into a running session with CONFLICT', async () => {
    const { host } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('sleep 30') });
    const error = await typedError(host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('true') }));
    expect(error.code).toBe('CONFLICT');
  });
});

describe('session host: stop', () => {
  it('leaves no process of the session: TERM-ignoring children, background jobs and job-control groups', async () => {
    const { host, events, states } = makeHost({ stopGraceMs: 300 });
    // `set -m` puts each background job into a process group of its own, which a signal to the
    // leader's group alone would miss; `trap '' TERM` makes the grace period run out.
    const { pid } = await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: shell(`trap '' TERM; (trap '' TERM; sleep 1000) & set -m; sleep 1000 & echo "job=$!"; echo ready; wait`),
    });
    await waitFor('ready', () => outputOf(events, 's1').includes('ready'));
    const job = Number(/job=(\d+)/.exec(outputOf(events, 's1'))![1]);
    expect(sessionMembers(pid).length).toBeGreaterThanOrEqual(3);
    const started = Date.now();
    await host.send({ type: 'stop', sessionId: 's1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(sessionMembers(pid)).toEqual([]);
    // Killed orphans are zombies until init reaps them; none may still run.
    expect(sessionMembers(job)).toEqual([]);
    expect(liveGroupMembers(job)).toEqual([]);
    expect(states.at(-1)?.change).toMatchObject({ state: 'exited', source: 'exit', detail: 'stopped' });
  });

  it('stops a well-behaved program at once with SIGTERM', async () => {
    const { host, events } = makeHost({ stopGraceMs: 5_000 });
    const { pid } = await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('echo ready; sleep 1000') });
    await waitFor('ready', () => outputOf(events, 's1').includes('ready'));
    const started = Date.now();
    await host.send({ type: 'stop', sessionId: 's1' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sessionMembers(pid)).toEqual([]);
    expect(liveGroupMembers(pid)).toEqual([]);
  });

  it('restarts a program in the same session: seq continues and attached clients keep receiving', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('echo first') });
    await host.send({ type: 'attach', sessionId: 's1', clientId: 'c1' });
    await waitFor('exit', () => exitOf(events, 's1'));
    const before = events.filter((e) => e.type === 'output').length;
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('sleep 0.1; echo second') });
    await waitFor('second', () => outputOf(events, 's1').includes('second'));
    const outputs = events.filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output');
    expect(outputs.map((e) => e.seq)).toEqual(outputs.map((_, i) => i + 1));
    expect(outputs.slice(before).every((e) => e.to.includes('c1'))).toBe(true);
  });
});

describe('session host: attach', () => {
  it('gives a snapshot that reproduces the screen, colours and cursor included', async () => {
    const { host, events } = makeHost();
    const script = `printf '\\033[2J\\033[H\\033[1;31mred bold\\033[0m plain\\r\\n\\033[42mgreen bg\\033[0m\\r\\n'; for i in $(seq 1 40); do echo "row $i"; done; printf '\\033[5;10Hhere\\033[3;3H'; sleep 30`;
    await host.send({ type: 'spawn', sessionId: 's1', cols: 60, rows: 20, launch: shell(script) });
    await waitFor('last row', () => outputOf(events, 's1').includes('here'));
    const attached = await host.send({ type: 'attach', sessionId: 's1', clientId: 'c1' });
    expect([attached.cols, attached.rows]).toEqual([60, 20]);
    const reference = await render(60, 20, outputOf(events, 's1'));
    const restored = await render(60, 20, attached.snapshot);
    expect(restored.lines).toEqual(reference.lines);
    expect(restored.cursor).toEqual(reference.cursor);
    expect(restored.serialized).toEqual(reference.serialized);
    expect(attached.seq).toBe(events.filter((e) => e.type === 'output').length);
  });

  it('snapshot plus the events after its seq equals the full output, while the program keeps printing', async () => {
    const { host, events } = makeHost();
    await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: shell('for i in $(seq 1 3000); do printf "\\033[3%dmline %d\\033[0m\\n" $((i % 8)) $i; done; echo END; sleep 30'),
    });
    await waitFor('some output', () => outputOf(events, 's1').length > 2_000);
    const attached = await host.send({ type: 'attach', sessionId: 's1', clientId: 'c1' });
    await host.send({ type: 'ack', sessionId: 's1', clientId: 'c1', chars: 1e9 });
    await waitFor('END and its line end', () => outputOf(events, 's1').includes('END\r\n'));
    const after = events
      .filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output' && e.seq > attached.seq)
      .map((e) => e.data)
      .join('');
    const reference = await render(80, 24, outputOf(events, 's1'));
    const restored = await render(80, 24, attached.snapshot + after);
    expect(restored.lines).toEqual(reference.lines);
  });

  it('sends output only to attached clients, and nothing after detach', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: shell('while read l; do echo "echo:$l"; done') });
    await host.send({ type: 'input', sessionId: 's1', data: 'nobody\r' });
    await waitFor('first echo', () => outputOf(events, 's1').includes('echo:nobody'));
    await host.send({ type: 'attach', sessionId: 's1', clientId: 'c1' });
    await host.send({ type: 'input', sessionId: 's1', data: 'seen\r' });
    await waitFor('second echo', () => outputOf(events, 's1').includes('echo:seen'));
    await host.send({ type: 'detach', sessionId: 's1', clientId: 'c1' });
    await host.send({ type: 'input', sessionId: 's1', data: 'hidden\r' });
    await waitFor('third echo', () => outputOf(events, 's1').includes('echo:hidden'));
    const outputs = events.filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output');
    const recipients = (text: string) => outputs.filter((e) => e.data.includes(text)).flatMap((e) => e.to);
    expect(recipients('echo:nobody')).toEqual([]);
    expect(recipients('echo:seen')).toEqual(['c1']);
    expect(recipients('echo:hidden')).toEqual([]);
  });
});

describe('session host: flow control', () => {
  it('pauses a flooding program while a client has not acknowledged, and resumes it on ack', async () => {
    const limits = { highWatermarkChars: 50_000, lowWatermarkChars: 5_000, slowClientMs: 60_000 };
    const { host, events } = makeHost({ flowLimits: limits });
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: flood(20_000) });
    await host.send({ type: 'attach', sessionId: 's1', clientId: 'c1' });
    await waitFor('pause', () => events.some((e) => e.type === 'flow' && e.paused));
    // Time passes on purpose: the reads under way come out, then the flood must stay held.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const atPause = outputOf(events, 's1').length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Paused: what was already read may still come out, but not a flood's worth.
    expect(outputOf(events, 's1').length - atPause).toBeLessThan(200_000);
    const [info] = await host.send({ type: 'list' });
    expect(info?.paused).toBe(true);
    expect(exitOf(events, 's1')).toBeUndefined();

    // A client that keeps up.
    await keepUpUntilExit(host, events, 's1', 20_000);
    expect(events.some((e) => e.type === 'flow' && !e.paused)).toBe(true);
    expect(outputOf(events, 's1').includes('FLOOD-DONE')).toBe(true);
  });

  it('detaches a client that never acknowledges, and the program runs to its end', async () => {
    const limits = { highWatermarkChars: 50_000, lowWatermarkChars: 5_000, slowClientMs: 300 };
    const { host, events } = makeHost({ flowLimits: limits });
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: flood(5_000) });
    await host.send({ type: 'attach', sessionId: 's1', clientId: 'slow' });
    const detached = await waitFor('detach', () => events.find((e) => e.type === 'detached'));
    expect(detached).toMatchObject({ clientId: 'slow', reason: 'slow' });
    await waitFor('flood done', () => exitOf(events, 's1'), 20_000);
    const text = outputOf(events, 's1');
    expect(text.split('x').length - 1).toBe(5_000 * 1000);
    const last = events.filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output').pop();
    expect(last?.to).toEqual([]);
  });

  it('holds no program nobody watches by flow control: no client, no pause event', async () => {
    const limits = { highWatermarkChars: 10_000, lowWatermarkChars: 1_000, slowClientMs: 60_000 };
    const { host, events } = makeHost({ flowLimits: limits });
    await host.send({ type: 'spawn', sessionId: 's1', cols: 80, rows: 24, launch: flood(2_000) });
    await waitFor('flood done', () => exitOf(events, 's1'), 20_000);
    expect(events.some((e) => e.type === 'flow')).toBe(false);
  });

  it('holds the output of sessions nobody watches to their shared budget, and lifts it when a client attaches', async () => {
    const rate = 400_000;
    const { host, events } = makeHost({ unwatchedCharsPerSecond: rate });
    // Two programs that would print 20 MB each as fast as they can, with no pane attached.
    await host.send({ type: 'spawn', sessionId: 'a', cols: 80, rows: 24, launch: flood(20_000) });
    await host.send({ type: 'spawn', sessionId: 'b', cols: 80, rows: 24, launch: flood(20_000) });
    const started = performance.now();
    // Time passes on purpose: what comes out in it is measured against the budget.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const seconds = (performance.now() - started) / 1000;
    const both = outputOf(events, 'a').length + outputOf(events, 'b').length;
    // The burst (250 ms worth), the rate for the time waited, and the reads already under way.
    expect(both).toBeLessThan(rate * (0.25 + seconds) + 2 * 256 * 1024);
    // Both got their turns.
    expect(outputOf(events, 'a').length).toBeGreaterThan(0);
    expect(outputOf(events, 'b').length).toBeGreaterThan(0);

    // A pane that keeps up attaches to `a`: it runs at full speed to its end while `b` stays held.
    await host.send({ type: 'attach', sessionId: 'a', clientId: 'c1' });
    await keepUpUntilExit(host, events, 'a', 30_000);
    expect(outputOf(events, 'a')).toContain('FLOOD-DONE');
    expect(exitOf(events, 'b')).toBeUndefined();
  });
});
