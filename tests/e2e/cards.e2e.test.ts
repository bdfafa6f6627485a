import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser } from './harness';

/** A run's start, retry and block, or a custom command's start, on a busy 2-core machine (ms). */
const SLOW = { timeout: 30_000 };

/** The core in this process, served to a headless Chromium, with one project. */
async function servedCore() {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
  const browser = await launchBrowser();
  return { core, project, server, browser };
}

describe('cards in browser mode', () => {
  it('shows why a run could not start a task, on its card and in one toast; a header count filters the board', async () => {
    const { core, project, server, browser } = await servedCore();
    try {
      // Tried: a Codex task on a machine without Codex, retried once, 0.1 s apart, beside a task in Review.
      // (A path is refused when saved unless a program is there: it is saved while one is, then removed.)
      const codexPath = join(tempDir('switchyard-nothing-'), 'codex');
      writeFileSync(codexPath, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      core.settings.set('agents.codexPath', codexPath, 'user');
      rmSync(codexPath);
      core.settings.set('scheduler.retries', 1, 'project', project.id);
      core.settings.set('scheduler.retryBackoff', 0.1, 'project', project.id);
      core.settings.set('policy.preset', 'all', 'project', project.id);
      core.tasks.create({ projectId: project.id, title: 'Codex task', prompt: 'Do it', status: 'ready', priority: 'normal', phase: null, agentKind: 'codex' });
      core.tasks.create({ projectId: project.id, title: 'Later task', prompt: '', status: 'review', priority: 'normal', phase: null });

      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(server.loginUrl);
      const later = page.getByRole('region', { name: 'Review' }).getByRole('button', { name: /^Later task/ });
      await later.waitFor();
      // The project answers every permission question yes: each card warns of it.
      expect(await later.textContent()).toContain('allow all');

      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const card = page.getByRole('region', { name: 'Failed' }).getByRole('button', { name: /^Codex task/ });
      await expect.poll(() => card.locator('.card-reason').textContent(), SLOW).toBe('blocked: agent not installed');
      // Two failed starts, one toast: the run's first failure.
      await expect.poll(() => page.getByRole('alert').allTextContents(), SLOW).toEqual([expect.stringContaining('Codex task')]);
      expect(core.tasks.list(project.id).find((t) => t.title === 'Codex task')!.reason).toMatchObject({ kind: 'blocked', code: 'AGENT_NOT_FOUND', attempts: 2 });

      // The header counts; "failed" shows only the failed task; a second click shows all again.
      const failedCount = page.getByRole('group', { name: 'Tasks by status' }).getByRole('button', { name: /failed$/ });
      expect(await failedCount.textContent()).toBe('1 failed');
      await failedCount.click();
      expect(await failedCount.getAttribute('aria-pressed')).toBe('true');
      await page.getByRole('status').filter({ hasText: 'only failed' }).waitFor();
      await expect.poll(() => page.locator('.card-title').allTextContents()).toEqual(['Codex task']);
      await failedCount.click();
      // Every card again, in column order: Review before Failed.
      await expect.poll(() => page.locator('.card-title').allTextContents()).toEqual(['Later task', 'Codex task']);

      // The toast opens the task, which tells the whole error and leads to Settings → Agents.
      await page.getByRole('alert').getByRole('button', { name: 'Show' }).click();
      const editor = page.getByRole('dialog', { name: 'Edit task' });
      const why = editor.getByRole('status', { name: 'Why this task could not start' });
      await expect.poll(() => why.textContent()).toContain(codexPath);
      expect(await why.textContent()).toContain('set its path in Settings → Agents');
      await why.getByRole('button', { name: 'Open Settings → Agents' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      expect(await settings.getByRole('tab', { name: 'Agents' }).getAttribute('aria-selected')).toBe('true');
      await settings.locator('tr[data-setting="agents.codexPath"]').waitFor();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('starts a Custom task from the command line typed in its editor; its live agent says Open and is listed in Terminals', async () => {
    const { core, project, server, browser } = await servedCore();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title').fill('Shell task');
      await dialog.getByLabel('Agent').selectOption('custom');
      // Tried: no command line, then one with an unclosed quote: each refused with its typed error.
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('BAD_INPUT A custom command task needs a command line to run.');
      await dialog.getByLabel('Command').fill("/bin/sh -c 'echo custom-ran-$((6*7)); sleep 600");
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('single quote');
      await dialog.getByLabel('Command').fill("/bin/sh -c 'echo custom-ran-$((6*7)); sleep 600'");
      await dialog.getByLabel('Prompt given').selectOption('none');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await dialog.waitFor({ state: 'detached' });
      const [created] = core.tasks.list(project.id);
      expect(created!.agentOptions).toEqual({ command: ['/bin/sh', '-c', 'echo custom-ran-$((6*7)); sleep 600'], promptDelivery: 'none' });

      await page.getByRole('button', { name: 'Start a session for Shell task' }).click();
      await expect.poll(() => page.locator('.terminal-surface').innerText(), SLOW).toContain('custom-ran-42');

      // On the board, the card says its agent is live and offers Open instead of Start.
      await page.getByRole('button', { name: 'Board', exact: true }).click();
      const card = page.getByRole('region', { name: 'Running' }).getByRole('button', { name: /^Shell task/ });
      await expect.poll(() => card.locator('.chip.live').textContent(), SLOW).toMatch(/^live · /);
      expect(await page.getByRole('button', { name: 'Open the session of Shell task' }).textContent()).toBe('Open');

      // A second page, which opened no pane by hand, lists the live agent in Terminals and shows it.
      const second = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await second.goto(server.loginUrl);
      await second.getByRole('button', { name: 'Terminals', exact: true }).click();
      await second.getByRole('list', { name: 'Live agents' }).getByRole('button', { name: 'Show the live agent of Shell task' }).click();
      await expect.poll(() => second.locator('.terminal-surface').innerText(), SLOW).toContain('custom-ran-42');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a task in Review keeps its live agent: its card says Open; stopped while idle, it offers Resume, which brings the agent back', async () => {
    installFakeClaude(50);
    const { core, project, server, browser } = await servedCore();
    try {
      // Every question answered by the agent's own flag: its turn ends without anyone at the keyboard.
      core.settings.set('policy.preset', 'all', 'project', project.id);
      const task = core.tasks.create({ projectId: project.id, title: 'Note task', prompt: 'Write a note', status: 'ready', priority: 'normal', phase: null });
      const session = await core.sessions.start(task.id);
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('review');

      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(server.loginUrl);
      const review = page.getByRole('region', { name: 'Review' });
      await expect.poll(() => review.getByRole('button', { name: /^Note task/ }).locator('.chip.live').count(), SLOW).toBe(1);
      expect(await review.getByRole('button', { name: 'Open the session of Note task' }).textContent()).toBe('Open');

      // Idle past the setting (3 s from now; an edit of the task wakes the idle watch), the agent is
      // stopped; the card says so and offers Resume.
      core.settings.set('sessions.idleStopMinutes', 0.05, 'project', project.id);
      core.tasks.update(task.id, { priority: 'high' });
      const card = review.getByRole('button', { name: /^Note task/ });
      await expect.poll(() => card.locator('.card-meta').textContent(), SLOW).toContain('stopped while idle');
      expect(core.sessions.get(session.id).stopReason).toBe('idle');
      await review.getByRole('button', { name: 'Resume the agent of Note task' }).click();
      // The same session runs again, continuing its conversation, and the card is back to Open.
      await expect.poll(() => core.sessions.get(session.id).endedAt, SLOW).toBeNull();
      await page.getByRole('button', { name: 'Board', exact: true }).click();
      await page.getByRole('button', { name: 'Open the session of Note task' }).waitFor(SLOW);
      expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});
