import * as pty from 'node-pty';
import type { Measurement, Suite } from '../harness';
import { SessionHost } from '../../electron/core/sessions/sessionHost';

/** Size of the ANSI flood, as in the issue. */
const FLOOD_MB = 64;

/** A program that prints FLOOD_MB of coloured lines as fast as the pty takes them. */
const FLOOD_SCRIPT = `
  const line = (i) => '\\x1b[3' + (i % 8) + 'm' + 'flood line ' + i + ' ' + 'x'.repeat(80) + '\\x1b[0m\\r\\n';
  let i = 0, written = 0; const total = ${FLOOD_MB} * 1024 * 1024;
  (function write() {
    while (written < total) { const s = line(i++).repeat(64); written += s.length; if (!process.stdout.write(s)) return process.stdout.once('drain', write); }
  })();
`;

async function rawNodePty(): Promise<number> {
  const started = performance.now();
  let chars = 0;
  await new Promise<void>((resolve) => {
    const child = pty.spawn(process.execPath, ['-e', FLOOD_SCRIPT], { cols: 120, rows: 32, encoding: null });
    child.onData((d) => (chars += d.length));
    child.onExit(() => resolve());
  });
  return chars / 2 ** 20 / ((performance.now() - started) / 1000);
}

/** Through the session host: decode, batch, seq, mirror, flow control with one client acking at once. */
async function throughHost(): Promise<number> {
  const host = new SessionHost();
  let chars = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    host.onEvent((event) => {
      if (event.type === 'output') {
        chars += event.data.length;
        void host.send({ type: 'ack', sessionId: 'bench', clientId: 'pane', chars: event.data.length });
      }
      if (event.type === 'exited') resolve();
    });
    void host
      .send({ type: 'spawn', sessionId: 'bench', cols: 120, rows: 32, launch: { file: process.execPath, args: ['-e', FLOOD_SCRIPT], env: {}, cwd: process.cwd() } })
      .then(() => host.send({ type: 'attach', sessionId: 'bench', clientId: 'pane' }));
  });
  const seconds = (performance.now() - started) / 1000;
  await host.dispose();
  return chars / 2 ** 20 / seconds;
}

const suite: Suite = {
  name: 'terminal',
  async run(): Promise<Measurement[]> {
    const raw = await rawNodePty();
    const host = await throughHost();
    return [
      {
        name: `${FLOOD_MB} MB ANSI flood through the session host (mirror, flow control, one acking client)`,
        value: Number(host.toFixed(1)),
        unit: 'MB/s',
        baseline: 'raw node-pty drain',
        baselineValue: Number(raw.toFixed(1)),
        better: 'higher',
      },
    ];
  },
};

export default suite;
