import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Peers } from './install';
import type { PeerFlood } from './tmux';
import { treeCpuMs } from './treeCpu';

/** How long code-server gets to listen, its workbench to load and its terminal to start (ms). */
const START_TIMEOUT_MS = 120_000;
/** How long the flood may take in VS Code's terminal before the run gives up (ms). */
const FLOOD_TIMEOUT_MS = 900_000;
/** How often the page is asked whether the flood's end has shown (ms), as for our pane. */
const POLL_MS = 50;
/** How long code-server gets to exit after SIGTERM before its process group is killed (ms). */
const STOP_GRACE_MS = 5_000;

/** What the flood's terminal prints once its shell waits for Enter, and once `cat` has ended. */
const READY = 'VSCODE-FLOOD-READY';
const DONE = 'VSCODE-FLOOD-DONE';

/**
 * The user settings VS Code runs with: the DOM renderer (as our pane has in headless Chromium),
 * no workspace trust prompt, no welcome page, tips, telemetry or update checks, no AI side bar,
 * and a terminal that runs the flood when Enter is pressed in it (as our pane's task does), then
 * prints its size and DONE.
 */
function settings(floodFile: string) {
  if (floodFile.includes("'")) throw new Error(`the flood file's path has a quote, which the terminal's script cannot hold: ${floodFile}`);
  const script = `echo ${READY}; read go; cat '${floodFile}'; stty size; echo ${DONE}; exec sleep 1000`;
  return {
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.profiles.linux': { flood: { path: '/bin/bash', args: ['-c', script] } },
    'terminal.integrated.defaultProfile.linux': 'flood',
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once code-server says it listens; rejects with its output if it exits or takes too long. */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${signal ?? code} before it listened:\n${output}`));
    });
  });
}

/** The text of each row of the page's first terminal (the DOM renderer's rows). */
function terminalRows(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelector('.terminal-wrapper .xterm-rows')?.children ?? [], (row) => row.textContent ?? ''));
}

/** Runs a command of VS Code's by its title in the command palette. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: START_TIMEOUT_MS });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: START_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}

/** Whether the keyboard's focus is in the page's first terminal. */
function terminalFocused(page: Page): Promise<boolean> {
  return page.evaluate(() => document.activeElement?.closest('.terminal-wrapper') != null);
}

/**
 * Opens the integrated terminal with Ctrl+`, maximizes its panel (a pane in our app fills most of
 * the window too), waits for its shell to say it waits for Enter and gives it the keyboard.
 */
async function openTerminal(page: Page): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: START_TIMEOUT_MS });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
  await page.keyboard.press('Control+Backquote');
  const terminal = page.locator('.terminal-wrapper .xterm');
  await terminal.waitFor({ timeout: START_TIMEOUT_MS });
  await runCommand(page, 'View: Toggle Maximized Panel');
  await page.waitForFunction((ready) => (document.querySelector('.terminal-wrapper .xterm-rows')?.textContent ?? '').includes(ready), READY, {
    polling: POLL_MS,
    timeout: START_TIMEOUT_MS,
  });
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (!(await terminalFocused(page))) {
    if (performance.now() > deadline) throw new Error(`VS Code's terminal did not take the keyboard within ${START_TIMEOUT_MS} ms`);
    await terminal.click();
  }
}

/** A flood into VS Code's terminal, with the size that terminal had (from `stty size` after it). */
export interface VsCodeFlood extends PeerFlood {
  cols: number;
  rows: number;
}

/**
 * Serves VS Code with code-server from `peers`, opens it in `browser`, opens its integrated
 * terminal and times `cat floodFile` there, from Enter until the terminal shows the line after
 * it. CPU is that of this process's tree (code-server's processes and Chromium's among them).
 */
export async function floodThroughVsCode(peers: Peers, browser: Browser, floodFile: string, work: string): Promise<VsCodeFlood> {
  const userData = join(work, 'vscode-user');
  const folder = join(work, 'vscode-folder');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), `${JSON.stringify(settings(floodFile), null, 2)}\n`);
  const port = await freePort();
  const args = [
    peers.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userData,
    '--extensions-dir',
    join(work, 'vscode-extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  // A process group of its own, so that its helpers (pty host, extension host, watcher) end with it.
  const server = spawn(peers.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/bash' } });
  // Should the bench exit before the end, the server and its helpers go with it.
  const stop = () => {
    if (server.pid !== undefined && server.exitCode === null && server.signalCode === null) process.kill(-server.pid, 'SIGTERM');
  };
  process.once('exit', stop);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await listening(server);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await openTerminal(page);
    const cpuBefore = treeCpuMs([process.pid]);
    const started = performance.now();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (done) => (document.querySelector('.terminal-wrapper .xterm-rows')?.textContent ?? '').includes(done),
      DONE,
      { polling: POLL_MS, timeout: FLOOD_TIMEOUT_MS },
    );
    const ms = performance.now() - started;
    const cpuAfter = treeCpuMs([process.pid]);
    const rows = await terminalRows(page);
    const doneRow = rows.findIndex((row) => row.includes(DONE));
    const size = /(\d+) (\d+)/.exec(rows[doneRow - 1] ?? '');
    return {
      ms,
      cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      rows: Number(size?.[1] ?? Number.NaN),
      cols: Number(size?.[2] ?? Number.NaN),
    };
  } finally {
    await page.close();
    process.off('exit', stop);
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      stop();
      let grace: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<'over'>((resolve) => (grace = setTimeout(() => resolve('over'), STOP_GRACE_MS)));
      if ((await Promise.race([exited, graceOver])) === 'over' && server.pid !== undefined) {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          // Gone between the grace's end and the kill.
        }
        await exited;
      }
      clearTimeout(grace);
    }
  }
}
