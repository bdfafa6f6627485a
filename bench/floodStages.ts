// The terminal suite's flood, and the stages it goes through measured each alone.
import { join } from 'node:path';
import * as pty from 'node-pty';
import headlessModule from '@xterm/headless';
import type { Browser } from 'playwright-core';
import { appRoot } from '../electron/core/appRoot';
import { MIRROR_SCROLLBACK_LINES } from '../electron/core/sessions/mirrorProtocol';
import { treeCpuMs } from './peers/treeCpu';

/** Size of the ANSI flood, as in the issue. */
export const FLOOD_MB = 64;
export const COLS = 120;
export const ROWS = 32;

/** Coloured lines, FLOOD_MB of them, or forever with the argument `forever`. */
export const FLOOD_SCRIPT = `
const line = (i) => '\\x1b[3' + (i % 8) + 'mflood line ' + i + ' ' + 'x'.repeat(80) + '\\x1b[0m\\r\\n';
const total = process.argv[2] === 'forever' ? Infinity : ${FLOOD_MB} * 1024 * 1024;
let i = 0, written = 0;
(function write() {
  while (written < total) { const s = line(i++).repeat(64); written += s.length; if (!process.stdout.write(s)) return process.stdout.once('drain', write); }
})();
`;

/** Runs `measure` and returns its result with the CPU ms per MB of flood this process's tree spent meanwhile. */
export async function withCpu<T>(measure: () => Promise<T> | T): Promise<{ result: T; cpuMsPerMb: number | null }> {
  const before = treeCpuMs([process.pid]);
  const result = await measure();
  const after = treeCpuMs([process.pid]);
  return { result, cpuMsPerMb: before === null || after === null ? null : perMb(after - before) };
}

export function perMb(cpuMs: number | null): number | null {
  return cpuMs === null ? null : Number((cpuMs / FLOOD_MB).toFixed(1));
}

export function mbPerSecond(bytes: number, ms: number): number {
  return Number((bytes / 2 ** 20 / (ms / 1000)).toFixed(2));
}

export async function rawNodePty(flood: string): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  await new Promise<void>((resolve) => {
    const child = pty.spawn(process.execPath, [flood], { cols: COLS, rows: ROWS, encoding: null });
    child.onData((d) => (bytes += d.length));
    child.onExit(() => resolve());
  });
  return mbPerSecond(bytes, performance.now() - started);
}

/** The flood's text, FLOOD_MB of it, in chunks of about CHUNK_CHARS, as the flood program writes it. */
const FLOOD_TEXT_SCRIPT = `
  const line = (i) => '\\x1b[3' + (i % 8) + 'mflood line ' + i + ' ' + 'x'.repeat(80) + '\\x1b[0m\\r\\n';
  const chunks = [];
  let total = 0;
  let i = 0;
  while (total < ${FLOOD_MB} * 1024 * 1024) {
    let s = '';
    while (s.length < 192 * 1024) s += line(i++).repeat(64);
    chunks.push(s);
    total += s.length;
  }
`;

/** Writes the flood's chunks into an xterm, a few in flight as a pane has, and resolves with MB/s. */
const WRITE_FLOOD_SCRIPT = `new Promise((resolve) => {
    const started = performance.now();
    let next = 0;
    let inFlight = 0;
    const pump = () => {
      while (next < chunks.length && inFlight < 4) {
        inFlight++;
        term.write(chunks[next++], () => {
          inFlight--;
          if (next === chunks.length && inFlight === 0) resolve(total / 1048576 / ((performance.now() - started) / 1000));
          else setTimeout(pump, 0);
        });
      }
    };
    pump();
  })
`;

/** One stage alone, on one thread: the session host's headless mirror parsing the flood. */
export async function mirrorAlone(): Promise<number> {
  const { Terminal } = headlessModule;
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
  try {
    return Number(await new Function('term', `${FLOOD_TEXT_SCRIPT}; return ${WRITE_FLOOD_SCRIPT};`)(term));
  } finally {
    term.dispose();
  }
}

/** One stage alone, on one thread: an xterm.js pane in the same headless Chromium, fed the flood with no pipeline. */
export async function paneAlone(browser: Browser): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.setContent('<body style="margin:0"><div id="pane"></div></body>');
    await page.addStyleTag({ path: join(appRoot(), 'node_modules', '@xterm', 'xterm', 'css', 'xterm.css') });
    await page.addScriptTag({ path: join(appRoot(), 'node_modules', '@xterm', 'xterm', 'lib', 'xterm.js') });
    return Number(
      await page.evaluate(`(async () => {
        const term = new Terminal({ cols: ${COLS}, rows: ${ROWS}, scrollback: 5000, fontSize: 13 });
        term.open(document.getElementById('pane'));
        ${FLOOD_TEXT_SCRIPT}
        return ${WRITE_FLOOD_SCRIPT};
      })()`),
    );
  } finally {
    await page.close();
  }
}
