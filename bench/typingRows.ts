// The terminal suite's typing rows: keystroke echo in the pane, quiet and under load, and its CPU.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as pty from 'node-pty';
import type { Page } from 'playwright-core';
import type { Core } from '../electron/core/app';
import { percentile, type Measurement } from './harness';
import { paneEchoLatencies } from './pane';
import { COLS, ROWS } from './floodStages';

/** Agents flooding at once in the load measurement. */
const PARALLEL_FLOODS = 16;
/** Time the parallel floods get to start before typing is timed (ms). */
const FLOOD_SETTLE_MS = 1_000;
/** Keystrokes timed for echo latency. */
const ECHO_SAMPLES = 200;
/** Keystrokes whose main-side CPU is measured, once through the app and once through raw node-pty. */
const CPU_KEYSTROKES = 1_000;
/** Pause between two timed keystrokes, as a fast typist leaves (ms). */
const KEYSTROKE_GAP_MS = 10;

/** CPU time this process spent (every thread: user and system), in ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** This process's CPU ms for `count` keystrokes, each typed once the previous one was echoed by the pty. */
async function rawKeystrokesCpu(count: number): Promise<number> {
  const child = pty.spawn('/bin/sh', ['-c', 'exec cat'], { cols: COLS, rows: ROWS });
  try {
    let echoed: () => void = () => {};
    child.onData(() => echoed());
    const started = processCpuMs();
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve) => {
        echoed = resolve;
        child.write(String.fromCharCode(97 + (i % 26)));
      });
      await new Promise((resolve) => setTimeout(resolve, KEYSTROKE_GAP_MS));
    }
    return processCpuMs() - started;
  } finally {
    child.kill();
  }
}

export async function addTask(core: Core, projectId: string, title: string, prompt: string) {
  return core.tasks.create({ projectId, title, prompt, status: 'ready', priority: 'normal', phase: null });
}

/** Keystroke → pty echo → pane: times from the input event until the pane's rows change. */
const echoLatencies = async (page: Page, samples: number): Promise<number[]> => (await paneEchoLatencies(page, samples, KEYSTROKE_GAP_MS)).drawn;

const round = (n: number) => Number(n.toFixed(2));

/** The main side's CPU for keystrokes typed into the open pane, against raw node-pty echoing the same number. */
export async function keystrokeRows(page: Page): Promise<Measurement[]> {
  const raw = await rawKeystrokesCpu(CPU_KEYSTROKES);
  const started = processCpuMs();
  await echoLatencies(page, CPU_KEYSTROKES);
  const app = processCpuMs() - started;
  const per1000 = (ms: number) => round((ms * 1_000) / CPU_KEYSTROKES);
  return [
    {
      name: 'main-side CPU per 1,000 keystrokes echoed in the browser pane',
      value: per1000(app),
      unit: 'ms',
      baseline: 'the same keystrokes echoed by raw node-pty',
      baselineValue: per1000(raw),
      better: 'lower',
    },
  ];
}

/** Echo latency in the open pane, quiet and while PARALLEL_FLOODS hidden sessions flood. */
export async function echoRows(core: Core, projectId: string, page: Page, flood: string): Promise<Measurement[]> {
  const idleEcho = await echoLatencies(page, ECHO_SAMPLES);
  // Load: PARALLEL_FLOODS agents flood (their panes hidden) while the visible pane is typed into.
  const rssBefore = process.memoryUsage().rss;
  const floods = [];
  for (let i = 0; i < PARALLEL_FLOODS; i++) {
    const task = await addTask(core, projectId, `flood ${i}`, `${process.execPath} ${flood} forever`);
    floods.push(await core.sessions.start(task.id, { cols: COLS, rows: ROWS }));
  }
  // Their programs start (sixteen Node processes loading) before the flood is under way.
  await new Promise((resolve) => setTimeout(resolve, FLOOD_SETTLE_MS));
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  let rssPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const loadedEcho = await echoLatencies(page, ECHO_SAMPLES);
  clearInterval(sampler);
  lag.disable();
  await Promise.all(floods.map((s) => core.sessions.stop(s.id)));
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  return [
    {
      name: 'keystroke echo in the browser, p99 (p50 is the baseline column)',
      value: round(percentile(idleEcho, 99)),
      unit: 'ms',
      baseline: 'p50',
      baselineValue: round(percentile(idleEcho, 50)),
      better: 'lower',
      target: '< 16 ms',
    },
    {
      name: `keystroke echo p99 while ${PARALLEL_FLOODS} agents flood`,
      value: round(percentile(loadedEcho, 99)),
      unit: 'ms',
      baseline: 'p99 with no flood',
      baselineValue: round(percentile(idleEcho, 99)),
      better: 'lower',
      target: '< 16 ms',
    },
    {
      name: `main-side event-loop lag p99 while ${PARALLEL_FLOODS} agents flood`,
      value: ms(lag.percentile(99)),
      unit: 'ms',
      baseline: 'timer resolution',
      baselineValue: 5,
      better: 'lower',
      target: '< 20 ms',
    },
    {
      name: `main-side RSS per flooding session (${PARALLEL_FLOODS} at once)`,
      value: Number(((rssPeak - rssBefore) / PARALLEL_FLOODS / 2 ** 20).toFixed(1)),
      unit: 'MB',
      baseline: 'target',
      baselineValue: 30,
      better: 'lower',
      target: '< 30 MB',
    },
  ];
}
