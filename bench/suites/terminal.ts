import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../electron/core/app';
import { appRoot } from '../../electron/core/appRoot';
import { memoryLogger } from '../../electron/core/log';
import type { TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../../tests/helpers/browser';
import { floodRows, type FloodBaselines, type PeerRun } from '../floodRows';
import { COLS, FLOOD_MB, FLOOD_SCRIPT, mbPerSecond, mirrorAlone, perMb, rawNodePty, ROWS } from '../floodStages';
import type { Measurement, Suite } from '../harness';
import { openPane } from '../pane';
import { installPeers } from '../peers/install';
import { floodThroughTmux } from '../peers/tmux';
import { addTask, echoRows, keystrokeRows } from '../typingRows';

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


/** Runs each task's prompt as a shell script: the bench's stand-in for an agent. */
const scriptLauncher =
  (cwd: string): TaskLauncher =>
  async (task) => ({ file: '/bin/sh', args: ['-c', task.prompt], env: {}, cwd });


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
