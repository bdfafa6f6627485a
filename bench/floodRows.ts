// The terminal suite's flood rows: the flood through the whole pipeline into a visible pane, against its peers.
import { availableParallelism } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import type { Measurement } from './harness';
import { openPane } from './pane';
import { CODE_SERVER_VERSION, type Peers } from './peers/install';
import { floodThroughVsCode } from './peers/vscode';
import { COLS, FLOOD_MB, mbPerSecond, paneAlone, perMb, ROWS, withCpu } from './floodStages';

export interface FloodBaselines {
  raw: number;
  tmux: number;
  tmuxCpuMsPerMb: number | null;
  mirror: number;
}

/** What the peers run needs: the installed peers, and the flood as a file for `cat`. */
export interface PeerRun {
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
export async function floodRows(page: Page, browser: Browser, baselines: FloodBaselines, peers: PeerRun | null): Promise<Measurement[]> {
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
