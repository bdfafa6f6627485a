import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as pty from 'node-pty';
import headlessModule from '@xterm/headless';
import type { Browser, Page } from 'playwright-core';
import { createCore, type Core } from '../../electron/core/app';
import { appRoot } from '../../electron/core/appRoot';
import { memoryLogger } from '../../electron/core/log';
import type { TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import { MIRROR_SCROLLBACK_LINES } from '../../electron/core/sessions/mirrorProtocol';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../../tests/helpers/browser';
import { percentile, type Measurement, type Suite } from '../harness';
import { openPane, paneEchoLatencies } from '../pane';
import { CODE_SERVER_VERSION, installPeers, type Peers } from '../peers/install';
import { floodThroughTmux } from '../peers/tmux';
import { treeCpuMs } from '../peers/treeCpu';
import { floodThroughVsCode } from '../peers/vscode';

/** Size of the ANSI flood, as in the issue. */
const FLOOD_MB = 64;
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
const COLS = 120;
const ROWS = 32;
/**
 * The parts of the suite, each a group of rows: `SWITCHYARD_BENCH_TERMINAL=echo,keystrokes` runs
 * only those (a comma-separated list); unset, every part runs.
 */
const PARTS = ['flood', 'echo', 'keystrokes'] as const;
type Part = (typeof PARTS)[number];

function wantedParts(): ReadonlySet<Part> {
  const list = process.env.SWITCHYARD_BENCH_TERMINAL;
  if (!list) return new Set(PARTS);
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PARTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`SWITCHYARD_BENCH_TERMINAL: no part named ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(names as Part[]);
}


/** Coloured lines, FLOOD_MB of them, or forever with the argument `forever`. */
const FLOOD_SCRIPT = `
const line = (i) => '\\x1b[3' + (i % 8) + 'mflood line ' + i + ' ' + 'x'.repeat(80) + '\\x1b[0m\\r\\n';
const total = process.argv[2] === 'forever' ? Infinity : ${FLOOD_MB} * 1024 * 1024;
let i = 0, written = 0;
(function write() {
  while (written < total) { const s = line(i++).repeat(64); written += s.length; if (!process.stdout.write(s)) return process.stdout.once('drain', write); }
})();
`;

/** Runs `measure` and returns its result with the CPU ms per MB of flood this process's tree spent meanwhile. */
async function withCpu<T>(measure: () => Promise<T> | T): Promise<{ result: T; cpuMsPerMb: number | null }> {
  const before = treeCpuMs([process.pid]);
  const result = await measure();
  const after = treeCpuMs([process.pid]);
  return { result, cpuMsPerMb: before === null || after === null ? null : perMb(after - before) };
}

function perMb(cpuMs: number | null): number | null {
  return cpuMs === null ? null : Number((cpuMs / FLOOD_MB).toFixed(1));
}

function mbPerSecond(bytes: number, ms: number): number {
  return Number((bytes / 2 ** 20 / (ms / 1000)).toFixed(2));
}

async function rawNodePty(flood: string): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  await new Promise<void>((resolve) => {
    const child = pty.spawn(process.execPath, [flood], { cols: COLS, rows: ROWS, encoding: null });
    child.onData((d) => (bytes += d.length));
    child.onExit(() => resolve());
  });
  return mbPerSecond(bytes, performance.now() - started);
}

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
async function mirrorAlone(): Promise<number> {
  const { Terminal } = headlessModule;
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
  try {
    return Number(await new Function('term', `${FLOOD_TEXT_SCRIPT}; return ${WRITE_FLOOD_SCRIPT};`)(term));
  } finally {
    term.dispose();
  }
}

/** One stage alone, on one thread: an xterm.js pane in the same headless Chromium, fed the flood with no pipeline. */
async function paneAlone(browser: Browser): Promise<number> {
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

/** Runs each task's prompt as a shell script: the bench's stand-in for an agent. */
const scriptLauncher =
  (cwd: string): TaskLauncher =>
  async (task) => ({ file: '/bin/sh', args: ['-c', task.prompt], env: {}, cwd });

async function addTask(core: Core, projectId: string, title: string, prompt: string) {
  return core.tasks.create({ projectId, title, prompt, status: 'ready', priority: 'normal', phase: null });
}

/** Keystroke → pty echo → pane: times from the input event until the pane's rows change. */
const echoLatencies = async (page: Page, samples: number): Promise<number[]> => (await paneEchoLatencies(page, samples, KEYSTROKE_GAP_MS)).drawn;

interface FloodBaselines {
  raw: number;
  tmux: number;
  tmuxCpuMsPerMb: number | null;
  mirror: number;
}

/** What the peers run needs: the installed peers, and the flood as a file for `cat`. */
interface PeerRun {
  peers: Peers;
  floodFile: string;
  work: string;
}

const TMUX = 'tmux with a client attached';
const VS_CODE = "VS Code's terminal";

/** The flood in VS Code's terminal, in the same browser, as rows against our pane's figures. */
async function vsCodeRows(browser: Browser, run: PeerRun, pipeline: number, cpuMsPerMb: number | null): Promise<Measurement[]> {
  const vscode = await floodThroughVsCode(run.peers, browser, run.floodFile, run.work);
  const vscodeMbPerS = mbPerSecond(FLOOD_MB * 2 ** 20, vscode.ms);
  const vscodeCpu = perMb(vscode.cpuMs);
  console.log(`  VS Code's terminal was ${vscode.cols}×${vscode.rows}: ${vscodeMbPerS} MB/s, ${vscodeCpu ?? '?'} ms CPU per MB`);
  return [
    {
      name: `${FLOOD_MB} MB ANSI flood into a visible pane in headless Chromium, against ${VS_CODE}`,
      value: pipeline,
      unit: 'MB/s',
      baseline: `the same flood, cat in ${VS_CODE} (code-server ${CODE_SERVER_VERSION}, DOM renderer, ${vscode.cols}×${vscode.rows})`,
      baselineValue: vscodeMbPerS,
      better: 'higher',
      target: '≥ 2.0×',
    },
    ...(cpuMsPerMb !== null && vscodeCpu !== null
      ? [
          {
            name: `CPU per MB of the flood into a visible pane, against ${VS_CODE}`,
            value: cpuMsPerMb,
            unit: 'ms/MB',
            baseline: `the same flood, cat in ${VS_CODE}: code-server's processes and Chromium's`,
            baselineValue: vscodeCpu,
            better: 'lower' as const,
            target: '≤ 0.5×',
          },
        ]
      : []),
  ];
}

/** The flood through the whole pipeline into a visible pane, beside each stage alone and, with `peers`, beside VS Code's terminal. */
async function floodRows(page: Page, browser: Browser, baselines: FloodBaselines, peers: PeerRun | null): Promise<Measurement[]> {
  await openPane(page, 'flood');
  const renderer = (await page.locator('.terminal-surface').first().getAttribute('data-renderer')) ?? 'dom';
  const { result: pipeline, cpuMsPerMb } = await withCpu(async () => {
    const started = performance.now();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.xterm-rows')?.textContent?.includes('FLOOD-2-DONE'), undefined, {
      polling: 50,
      timeout: 300_000,
    });
    return mbPerSecond(FLOOD_MB * 2 ** 20, performance.now() - started);
  });
  const size = await page.evaluate(() => {
    const rows = Array.from(document.querySelector('.xterm-rows')?.children ?? [], (row) => row.textContent ?? '');
    return rows[rows.findIndex((row) => row.includes('FLOOD-2-DONE')) - 1] ?? '';
  });
  console.log(`  our pane (${renderer} renderer, rows cols: ${size.trim()}): ${pipeline} MB/s, ${cpuMsPerMb ?? '?'} ms CPU per MB`);
  await page.getByRole('button', { name: 'Board', exact: true }).click();
  const pane = await paneAlone(browser);
  const cores = availableParallelism();
  return [
    {
      name: `${FLOOD_MB} MB ANSI flood into a visible pane in headless Chromium, against ${TMUX}`,
      value: pipeline,
      unit: 'MB/s',
      baseline: `the same flood through ${TMUX}`,
      baselineValue: baselines.tmux,
      better: 'higher',
      target: '≥ 1.0×',
    },
    ...(cpuMsPerMb !== null && baselines.tmuxCpuMsPerMb !== null
      ? [
          {
            name: `CPU per MB of the flood into a visible pane, against ${TMUX}`,
            value: cpuMsPerMb,
            unit: 'ms/MB',
            baseline: `the same flood through ${TMUX}`,
            baselineValue: baselines.tmuxCpuMsPerMb,
            better: 'lower' as const,
          },
          {
            name: 'flood rate that CPU per MB allows with every core of the machine busy',
            value: mbPerSecond(2 ** 20, cpuMsPerMb / cores),
            unit: 'MB/s',
            baseline: `the same bound for ${TMUX}`,
            baselineValue: mbPerSecond(2 ** 20, baselines.tmuxCpuMsPerMb / cores),
            better: 'higher' as const,
          },
        ]
      : []),
    {
      name: `stage alone, one thread: xterm.js pane in the same Chromium, ${COLS}×${ROWS}, no pipeline`,
      value: Number(pane.toFixed(1)),
      unit: 'MB/s',
      baseline: `the same flood through ${TMUX}`,
      baselineValue: baselines.tmux,
      better: 'higher',
    },
    {
      name: `stage alone, one thread: the host's headless mirror (@xterm/headless), ${COLS}×${ROWS}`,
      value: Number(baselines.mirror.toFixed(1)),
      unit: 'MB/s',
      baseline: `the same flood through ${TMUX}`,
      baselineValue: baselines.tmux,
      better: 'higher',
    },
    {
      name: `${FLOOD_MB} MB ANSI flood into a visible pane, against raw node-pty`,
      value: pipeline,
      unit: 'MB/s',
      baseline: 'raw node-pty drain',
      baselineValue: baselines.raw,
      better: 'higher',
    },
    ...(peers ? await vsCodeRows(browser, peers, pipeline, cpuMsPerMb) : []),
  ];
}

const round = (n: number) => Number(n.toFixed(2));

/** The main side's CPU for keystrokes typed into the open pane, against raw node-pty echoing the same number. */
async function keystrokeRows(page: Page): Promise<Measurement[]> {
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
async function echoRows(core: Core, projectId: string, page: Page, flood: string): Promise<Measurement[]> {
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

async function throughBrowser(
  work: string,
  flood: string,
  parts: ReadonlySet<Part>,
  baselines: FloodBaselines | null,
  peers: PeerRun | null,
): Promise<Measurement[]> {
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  const core = createCore({ dataDir: join(work, 'data'), mode: 'browser', log: memoryLogger(), launcher: scriptLauncher(work) });
  const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  try {
    const project = await core.projects.add(repo);
    await addTask(core, project.id, 'flood', `read go; ${process.execPath} ${flood}; echo; stty size; echo FLOOD-$((1+1))-DONE; exec sleep 1000`);
    await addTask(core, project.id, 'typing', 'exec cat');
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.loginUrl);
    const rows: Measurement[] = [];
    if (baselines) rows.push(...(await floodRows(page, browser, baselines, peers)));
    if (!parts.has('echo') && !parts.has('keystrokes')) return rows;
    await openPane(page, 'typing');
    if (parts.has('keystrokes')) rows.push(...(await keystrokeRows(page)));
    if (parts.has('echo')) rows.push(...(await echoRows(core, project.id, page, flood)));
    return rows;
  } finally {
    await browser.close();
    await server.close();
    await core.dispose();
  }
}

const suite: Suite = {
  name: 'terminal',
  async run(): Promise<Measurement[]> {
    const parts = wantedParts();
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
    const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-terminal-'));
    try {
      const flood = join(work, 'flood.cjs');
      writeFileSync(flood, FLOOD_SCRIPT);
      let baselines: FloodBaselines | null = null;
      if (parts.has('flood')) {
        const raw = await rawNodePty(flood);
        const tmux = await floodThroughTmux(`${process.execPath} ${flood}`, COLS, ROWS);
        baselines = { raw, tmux: mbPerSecond(FLOOD_MB * 2 ** 20, tmux.ms), tmuxCpuMsPerMb: perMb(tmux.cpuMs), mirror: await mirrorAlone() };
      }
      let peers: PeerRun | null = null;
      if (parts.has('flood') && process.argv.includes('--peers')) {
        const floodFile = join(work, 'flood.txt');
        const out = openSync(floodFile, 'w');
        try {
          execFileSync(process.execPath, [flood], { stdio: ['ignore', out, 'inherit'] });
        } finally {
          closeSync(out);
        }
        peers = { peers: await installPeers({ echo: true }), floodFile, work };
      }
      return await throughBrowser(work, flood, parts, baselines, peers);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
