import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { launchBrowser } from './harness';

/** Each case opens a browser and waits for a real terminal: slow on a loaded machine (ms). */
const TEST_MS = 120_000;
const SLOW = { timeout: 30_000 };

describe('code that fails to load, in Chromium', () => {
  it('a view and a terminal whose code cannot be fetched say so in their place, and load on "Try again" once it can be', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({
      projectId: project.id,
      title: 'Talker',
      agentKind: 'custom',
      agentOptions: { command: ['/bin/sh', '-c', 'echo ready-to-talk; exec cat'], promptDelivery: 'none' },
    });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const page = await (await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'New task' }).waitFor();

      // Tried: the Usage view's chunk is gone (as after an update that rebuilt the app) — the request fails.
      const usageChunk = '**/assets/UsagePage-*.js';
      await page.route(usageChunk, (route) => route.abort('connectionrefused'));
      await page.getByRole('button', { name: 'Usage' }).click();
      const failed = page.getByRole('alert').filter({ hasText: 'Could not load the view' });
      await failed.waitFor(SLOW);
      // The rest of the window still works: another view shows without the failure, and back on
      // Usage it is said again (nothing was fetched in between).
      await page.getByRole('button', { name: 'Board' }).click();
      await page.getByRole('button', { name: 'New task' }).waitFor(SLOW);
      expect(await failed.count()).toBe(0);
      await page.getByRole('button', { name: 'Usage' }).click();
      await failed.waitFor(SLOW);
      await page.unroute(usageChunk);
      await failed.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => failed.count(), SLOW).toBe(0);
      await expect.poll(() => page.locator('main').textContent(), SLOW).toMatch(/tokens|Usage/i);

      // Tried: the terminal's code (xterm.js) cannot be fetched when the first pane opens.
      const terminalChunk = '**/assets/terminalRegistry-*.js';
      await page.route(terminalChunk, (route) => route.abort('connectionrefused'));
      await core.sessions.start(task.id);
      await page.getByRole('button', { name: 'Terminals' }).click();
      await page.getByRole('button', { name: 'Show the live agent of Talker' }).click();
      const paneFailed = page.getByRole('alert').filter({ hasText: 'Could not load the terminal' });
      await paneFailed.waitFor(SLOW);
      await page.unroute(terminalChunk);
      await paneFailed.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => page.locator('.xterm-rows').textContent(), SLOW).toContain('ready-to-talk');
      expect(errors, 'errors thrown out of the page').toEqual([]);
    } finally {
      await server.close();
      await core.dispose();
    }
  }, TEST_MS);
});
