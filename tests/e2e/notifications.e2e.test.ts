import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { launchBrowser, recordedNotifications, recordNotifications } from './harness';

/** An agent's start, question and answer on a busy 2-core machine, with the quiet window after the core's start (ms). */
const SLOW = { timeout: 45_000 };

describe('notifications in browser mode', () => {
  it('asks the Notifications API when an agent waits, with the sound setting, and counts waiting agents in the title', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    // Each "thinking" phase lasts long enough for the title to be seen going down between the two questions.
    installFakeClaude(1_500);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Write the note', prompt: 'Write a note', status: 'ready', priority: 'normal', phase: null });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const context = await (await launchBrowser()).newContext();
      await recordNotifications(context, server.loginUrl);
      const page = await context.newPage();
      const recorded = () => recordedNotifications(page);
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'New task' }).waitFor();
      expect(await page.title()).toBe('Switchyard');

      // Settings → Notifications: the browser's permission is shown, and the sound is turned off there.
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('tab', { name: 'Notifications' }).click();
      await settings.getByText('Notifications are allowed in this browser.').waitFor();
      await settings.getByLabel('Notifications play the system’s sound.').uncheck();
      await expect.poll(() => core.settings.value('notify.sound')).toBe(false);
      await settings.getByRole('button', { name: 'Close' }).click();

      // The agent starts away from the user's eyes (the board is shown) and asks its first question.
      const session = await core.sessions.start(task.id);
      await expect.poll(() => page.title(), SLOW).toBe('(1) Switchyard');
      await expect.poll(recorded, SLOW).toEqual([{ title: 'Write the note needs your input', body: expect.stringContaining(project.name), tag: task.id, silent: true }]);

      // Answered: nobody waits; the agent asks again: the count is back; stopped: nobody waits.
      await core.sessions.input(session.id, '1');
      await expect.poll(() => page.title(), SLOW).toBe('Switchyard');
      await expect.poll(() => page.title(), SLOW).toBe('(1) Switchyard');
      await core.sessions.stop(session.id);
      await expect.poll(() => page.title(), SLOW).toBe('Switchyard');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('asks once, with a bar, to be allowed to notify; "Not now" is remembered by the browser', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const page = await (await (await launchBrowser()).newContext()).newPage();
      await page.goto(server.loginUrl);
      expect(await page.evaluate(() => Notification.permission)).toBe('default');
      const bar = page.getByRole('region', { name: 'Notifications' });
      await bar.getByRole('button', { name: 'Allow notifications' }).waitFor();
      await bar.getByRole('button', { name: 'Not now' }).click();
      await bar.waitFor({ state: 'detached' });
      await page.reload();
      // The mode is known (the bar shows only in browser mode), and still no bar.
      await page.getByText(/· browser ·/).waitFor();
      expect(await bar.count()).toBe(0);
      // The Settings page still offers it.
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'Notifications' }).click();
      await page.getByRole('button', { name: 'Allow notifications in this browser' }).waitFor();
    } finally {
      await server.close();
    }
  }, 60_000);
});
