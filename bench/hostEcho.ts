// What the session host process adds to a keystroke's echo, measured at two places: where the
// core hands the echo to a pane (the host's own cost, against the host in the core's process, raw
// node-pty and a bare relay process), and in the app's pane in a browser, where the user sees it.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import * as pty from 'node-pty';
import type { Browser, Page } from 'playwright-core';
import { createCore, type Core } from '../electron/core/app';
import { appRoot } from '../electron/core/appRoot';
import type { ClientContext } from '../electron/core/clientContext';
import { memoryLogger } from '../electron/core/log';
import { stopHost } from '../electron/core/sessions/hostSupervisor';
import { startServer } from '../electron/server/http';
import { launchChromium } from '../tests/helpers/browser';
import { commandTaskFolder } from './commandFolder';
import { percentile, type Measurement } from './harness';
import { openPane, paneEchoLatencies, timeTerminalMessages, type PaneEcho } from './pane';

/**
 * Keystrokes timed for echo latency, on each path: enough that the p99 is not the third-slowest
 * of a few hundred, which on a shared machine is luck more than the path.
 */
const ECHO_SAMPLES = 1_000;
/** Keystrokes typed into one pane before the other pane gets its turn. */
const PANE_ROUND = 25;
/** Pause between two timed keystrokes, as a fast typist leaves (ms). */
const KEYSTROKE_GAP_MS = 10;
/** A program whose terminal echoes what is typed, and prints nothing else (no newline is typed). */
const ECHO_PROGRAM = ['/bin/sh', '-c', 'exec cat'];
/** The title of the echoing task (its card says "Start a session for typing 1"). */
const ECHO_TASK = 'typing';

type SessionHostKind = 'process' | 'in-process';

/** One way from a keystroke to its echo: type a character, hear of the output. */
interface EchoPath {
  type(data: string): void;
  onOutput(listener: () => void): void;
  close(): Promise<void>;
}

function rawPtyPath(cwd: string): EchoPath {
  const child = pty.spawn(ECHO_PROGRAM[0]!, ECHO_PROGRAM.slice(1), { cols: 80, rows: 24, cwd });
  return {
    type: (data) => child.write(data),
    onOutput: (listener) => void child.onData(listener),
    close: async () => child.kill(),
  };
}

/**
 * The least a second process can add: a Node process that holds the pty (raw node-pty) and passes
 * bytes both ways over its stdio (local sockets, as the host's), with nothing else to do.
 */
function relayPath(cwd: string): EchoPath {
  const nodePty = createRequire(join(appRoot(), 'package.json')).resolve('node-pty');
  const script = `
const p = require(${JSON.stringify(nodePty)}).spawn(${JSON.stringify(ECHO_PROGRAM[0])}, ${JSON.stringify(ECHO_PROGRAM.slice(1))}, { cols: 80, rows: 24 });
p.onData((data) => process.stdout.write(data));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (data) => p.write(data));
process.stdin.on('end', () => { p.kill(); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd, stdio: ['pipe', 'pipe', 'inherit'] });
  return {
    type: (data) => void child.stdin.write(data),
    onOutput: (listener) => void child.stdout.on('data', listener),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/** A keystroke through a core's sessions to the pane attached to the session, as the app's pane types and is shown. */
async function corePath(work: string, sessionHost: SessionHostKind): Promise<EchoPath> {
  const { dataDir } = await commandTaskFolder(work, 1, ECHO_PROGRAM);
  const core = createCore({ dataDir, mode: 'browser', sessionHost, log: memoryLogger() });
  await core.ready;
  const session = await core.sessions.start(core.tasks.list(core.projects.list()[0]!.id)[0]!.id);
  const listeners = new Set<() => void>();
  const client: ClientContext = {
    clientId: 'echo-pane',
    send: (event) => {
      if (event === 'terminal.data') for (const listener of listeners) listener();
    },
    onClose: () => ({ dispose: () => {} }),
  };
  await core.sessions.attach(session.id, client);
  return {
    type: (data) => void core.sessions.input(session.id, data),
    onOutput: (listener) => void listeners.add(listener),
    close: () => closeCore(core, dataDir),
  };
}

async function closeCore(core: Core, dataDir: string): Promise<void> {
  core.setQuitChoice('stop');
  await core.dispose();
  await stopHost(dataDir, { all: true });
}

/**
 * Echo latencies (ms) of each path, the keystrokes taken in turns (one on each path, then the
 * next), so that what else the machine does weighs on all of them alike.
 */
async function echoLatencies(paths: EchoPath[]): Promise<number[][]> {
  const waiting: ((() => void) | null)[] = paths.map(() => null);
  paths.forEach((path, i) =>
    path.onOutput(() => {
      const done = waiting[i];
      waiting[i] = null;
      done?.();
    }),
  );
  const samples = paths.map(() => [] as number[]);
  for (let n = 0; n < ECHO_SAMPLES; n++) {
    for (const [i, path] of paths.entries()) {
      const start = performance.now();
      await new Promise<void>((resolve) => {
        waiting[i] = resolve;
        path.type(String.fromCharCode(97 + (n % 26)));
      });
      samples[i]!.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, KEYSTROKE_GAP_MS));
    }
  }
  return samples;
}

const p99 = (samples: number[]) => Number(percentile(samples, 99).toFixed(2));
const p50 = (samples: number[]) => Number(percentile(samples, 50).toFixed(3));
const IN_CORE = "the session host in the core's process";

/** The echo where the core hands it to a pane: what the host process itself adds. */
export async function coreEchoRows(work: string): Promise<Measurement[]> {
  const paths = [rawPtyPath(tmpdir()), relayPath(tmpdir()), await corePath(join(work, 'in-process'), 'in-process'), await corePath(join(work, 'process'), 'process')];
  try {
    const [raw, relay, inProcess, hostProcess] = await echoLatencies(paths);
    return [
      {
        name: "keystroke echo p50 through the session host process, against the host in the core's process",
        value: p50(hostProcess!),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p50(inProcess!),
        better: 'lower',
      },
      {
        name: 'keystroke echo p99 through the session host process',
        value: p99(hostProcess!),
        unit: 'ms',
        baseline: 'the same program echoed by raw node-pty',
        baselineValue: p99(raw!),
        better: 'lower',
      },
      {
        name: "keystroke echo p99 through the session host process, against the host in the core's process (before the change)",
        value: p99(hostProcess!),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p99(inProcess!),
        better: 'lower',
      },
      {
        name: 'keystroke echo p50 through a bare relay process (the least a second process adds), against raw node-pty',
        value: p50(relay!),
        unit: 'ms',
        baseline: 'the same program echoed by raw node-pty',
        baselineValue: p50(raw!),
        better: 'lower',
      },
      {
        name: 'keystroke echo p99 through a bare relay process, against raw node-pty',
        value: p99(relay!),
        unit: 'ms',
        baseline: 'the same program echoed by raw node-pty',
        baselineValue: p99(raw!),
        better: 'lower',
      },
    ];
  } finally {
    for (const path of paths) await path.close();
  }
}

/** A core of either kind serving the app, with one page open on the echoing task's pane. */
async function servedPane(work: string, sessionHost: SessionHostKind, browser: Browser): Promise<{ page: Page; close(): Promise<void> }> {
  const { dataDir } = await commandTaskFolder(work, 1, ECHO_PROGRAM, ECHO_TASK);
  const core = createCore({ dataDir, mode: 'browser', sessionHost, log: memoryLogger() });
  await core.ready;
  const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), host: '127.0.0.1', port: 0 });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await timeTerminalMessages(page);
    await page.goto(server.loginUrl);
    await openPane(page, `${ECHO_TASK} 1`);
  } catch (error) {
    await server.close();
    await closeCore(core, dataDir);
    throw error;
  }
  return {
    page,
    close: async () => {
      await page.close();
      await server.close();
      await closeCore(core, dataDir);
    },
  };
}

/**
 * The echo in the app's pane in a browser, from the input event: until its message came over the
 * app's socket, and until the pane's rows changed (what the user sees). One pane of each kind of
 * core, typed into by turns of PANE_ROUND keystrokes.
 */
export async function paneEchoRows(work: string): Promise<Measurement[]> {
  const browser = await launchChromium();
  const panes: Awaited<ReturnType<typeof servedPane>>[] = [];
  try {
    panes.push(await servedPane(join(work, 'pane-in-process'), 'in-process', browser));
    panes.push(await servedPane(join(work, 'pane-process'), 'process', browser));
    const echoes: PaneEcho[] = panes.map(() => ({ arrived: [], drawn: [] }));
    for (let n = 0; n < ECHO_SAMPLES; n += PANE_ROUND) {
      for (const [i, pane] of panes.entries()) {
        const round = await paneEchoLatencies(pane.page, PANE_ROUND, KEYSTROKE_GAP_MS);
        echoes[i]!.arrived.push(...round.arrived);
        echoes[i]!.drawn.push(...round.drawn);
      }
    }
    const [inProcess, hostProcess] = echoes as [PaneEcho, PaneEcho];
    if (inProcess.arrived.includes(0) || hostProcess.arrived.includes(0)) throw new Error('an echo was drawn before its message was heard: the socket is not timed');
    return [
      {
        name: "keystroke echo p50 in the browser pane, its message come, through the session host process, against the host in the core's process",
        value: p50(hostProcess.arrived),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p50(inProcess.arrived),
        better: 'lower',
      },
      {
        name: "keystroke echo p99 in the browser pane, its message come, through the session host process, against the host in the core's process",
        value: p99(hostProcess.arrived),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p99(inProcess.arrived),
        better: 'lower',
      },
      {
        name: "keystroke echo p50 in the browser pane, drawn, through the session host process, against the host in the core's process",
        value: p50(hostProcess.drawn),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p50(inProcess.drawn),
        better: 'lower',
      },
      {
        name: "keystroke echo p99 in the browser pane, drawn, through the session host process, against the host in the core's process (before the change)",
        value: p99(hostProcess.drawn),
        unit: 'ms',
        baseline: IN_CORE,
        baselineValue: p99(inProcess.drawn),
        better: 'lower',
        target: '≤ 1.2×',
      },
    ];
  } finally {
    for (const pane of panes) await pane.close();
    await browser.close();
  }
}
