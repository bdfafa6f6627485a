import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { launchChromium } from '../helpers/browser';

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let loginUrl = '';
let dataDir = '';
let repo = '';

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'ignore' });
  // Folders that live for the whole file: tempDir() ones are removed after each test.
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  repo = mkdtempSync(join(tmpdir(), 'switchyard-e2e-repo-'));
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '--allow-empty', '-m', 'initial'], { cwd: repo });
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  // A custom-command task: the user's shell, run by the same path every agent takes (worktree, pty).
  const shell = { agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh'], promptDelivery: 'none' } };
  const project = await core.projects.add(repo);
  core.tasks.create({ projectId: project.id, title: 'echo task', prompt: '', status: 'ready', priority: 'normal', phase: null, ...shell });
  core.tasks.create({ projectId: project.id, title: 'grid one', prompt: '', status: 'ready', priority: 'normal', phase: null, ...shell });
  core.tasks.create({ projectId: project.id, title: 'grid two', prompt: '', status: 'ready', priority: 'normal', phase: null, ...shell });
  await core.dispose();
  server = spawn(process.execPath, ['bin/switchyard.js', 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SHELL: '/bin/sh' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  loginUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server!.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  await new Promise((resolve) => (server?.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
  // Serve keeps its agents running in the session host on SIGTERM: the test's are stopped with it.
  if (dataDir) await stopHost(dataDir, { all: true });
  for (const dir of [dataDir, repo]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('terminal pane in the browser', () => {
  it('starts a session from the board, echoes typing, and shows the same screen after a reload and in a second page', async () => {
    const page = await browser!.newPage();
    await page.goto(loginUrl);
    await page.getByRole('button', { name: 'Start a session for echo task' }).click();
    const pane = page.locator('.terminal-surface');
    await pane.waitFor();
    // Type once the login shell shows its prompt: a profile script may read what comes earlier.
    await expect.poll(() => pane.innerText(), { timeout: 30_000 }).toMatch(/[#$] /);
    await page.locator('.xterm').click();
    await page.keyboard.type('echo marker-$((6*7))\n');
    await expect.poll(() => pane.innerText(), { timeout: 10_000 }).toContain('marker-42');
    // The transcript beside the pane finds it too (the typed command has no "42").
    await page.getByLabel('Search the transcript').fill('marker-42');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('.transcript-matches li').allInnerTexts()).toEqual([expect.stringMatching(/^\d+: marker-42$/)]);

    await page.reload();
    await page.getByRole('button', { name: 'Open the session of echo task' }).click();
    await expect.poll(() => page.locator('.terminal-surface').innerText(), { timeout: 10_000 }).toContain('marker-42');

    const second = await browser!.newPage();
    await second.goto(loginUrl);
    await second.getByRole('button', { name: 'Open the session of echo task' }).click();
    await expect.poll(() => second.locator('.terminal-surface').innerText(), { timeout: 10_000 }).toContain('marker-42');
  }, 60_000);

  it('shows several panes as tabs or a grid, moves focus with the keyboard, and explains each state on hover', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(loginUrl);
    await page.getByRole('button', { name: 'Start a session for grid one' }).click();
    await page.locator('.xterm-rows').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Board', exact: true }).click();
    await page.getByRole('button', { name: 'Start a session for grid two' }).click();
    await page.locator('.xterm-rows').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Terminals', exact: true }).click();
    await expect.poll(() => page.getByRole('tab').count()).toBe(2);
    // Tabs: one pane visible, the hidden one detached.
    expect(await page.locator('.terminal-pane').count()).toBe(1);
    await page.getByRole('button', { name: 'Grid' }).click();
    await expect.poll(() => page.locator('.terminal-pane').count()).toBe(2);
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.locator('.terminal-pane.focused').count()).toBe(1);
    const first = await page.locator('.terminal-pane').nth(0).getAttribute('class');
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.locator('.terminal-pane').nth(1).getAttribute('class')).toContain('focused');
    expect(first).toContain('focused');

    const badge = page.locator('.terminal-pane').nth(1).locator('.state-badge');
    expect(await badge.getAttribute('title')).toMatch(/^starting — from the session host/);
    await page.locator('.terminal-pane').nth(1).getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => badge.getAttribute('title'), { timeout: 10_000 }).toMatch(/^exited — from the process exit: stopped/);
    await expect.poll(() => page.locator('.terminal-pane').nth(1).getByRole('button', { name: 'Restart' }).count()).toBe(1);
  }, 60_000);
});
