import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeCore } from '../helpers/core';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { addTask } from './fixture';

const staticDir = join(appRoot(), 'dist', 'renderer');
/** How long a poll waits for the page or the repository to follow (ms): the machine may be busy. */
const SLOW = { timeout: 15_000 };
let browser: Browser;

beforeAll(async () => {
  // The renderer as browser mode serves it: built if it is missing or older than its sources.
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('review panel in headless Chromium', () => {
  it("shows a task's worktree, branch and diff, commits, merges and removes it", async () => {
    const core = makeCore();
    const repo = makeRepo({ files: { 'README.md': '# demo\n', 'app.txt': 'first line\n' } });
    const project = await core.projects.add(repo);
    const task = addTask(core, project.id, 'Edit the app');
    const worktree = await core.worktrees.create({ taskId: task.id });
    // What an agent does in its worktree.
    writeFileSync(join(worktree.path, 'app.txt'), 'first line\nadded by the agent\n');

    const server = await startServer({ core, staticDir, port: 0 });
    const page = await browser.newPage();
    try {
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(server.loginUrl);
      await page.locator(`[data-task-id="${task.id}"]`).click();
      await page.getByRole('button', { name: 'Worktree & review' }).click();

      await expect.poll(() => page.getByTestId('worktree-branch').textContent(), SLOW).toBe('sy/edit-the-app');
      expect(await page.getByTestId('worktree-path').textContent()).toBe(worktree.path);
      const diff = page.getByRole('region', { name: 'Diff of app.txt' });
      await expect.poll(() => diff.textContent(), SLOW).toContain('added by the agent');
      expect(await page.getByRole('button', { name: 'Open pull request' }).isDisabled()).toBe(true);
      expect(await page.getByText('Pull request unavailable: The repository has no remote to push to.').count()).toBe(1);

      await page.getByLabel('Commit message').fill('Add a line to the app');
      await page.getByRole('button', { name: 'Commit', exact: true }).click();
      await expect.poll(() => gitIn(worktree.path, ['log', '-1', '--format=%s']), SLOW).toBe('Add a line to the app');

      // Merge, with "mark the task done and remove its worktree" left checked.
      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await expect.poll(() => readFileSync(join(repo, 'app.txt'), 'utf8'), SLOW).toBe('first line\nadded by the agent\n');
      await expect.poll(() => existsSync(worktree.path), SLOW).toBe(false);
      await expect.poll(() => page.getByRole('dialog', { name: 'Worktree of Edit the app' }).getByRole('status').textContent(), SLOW).toMatch(
        /^Merged sy\/edit-the-app into main: 1 commit, 1 file\. /,
      );
      expect(gitIn(repo, ['branch', '--list', 'sy/*'])).toBe('');
      expect(core.tasks.get(task.id).status).toBe('done');
      // The task landed: closing the panel closes the editor it was opened from.
      await page.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => page.getByRole('dialog').count(), SLOW).toBe(0);
      await expect.poll(() => page.locator(`[data-status="done"] [data-task-id="${task.id}"]`).count(), SLOW).toBe(1);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('removes a dirty worktree after confirmation, lists the saved changes and restores them', async () => {
    const core = makeCore();
    const repo = makeRepo({ files: { 'README.md': '# demo\n' } });
    const project = await core.projects.add(repo);
    const task = addTask(core, project.id, 'Unsaved work');
    const worktree = await core.worktrees.create({ taskId: task.id });
    writeFileSync(join(worktree.path, 'notes.txt'), 'not committed anywhere\n');

    const server = await startServer({ core, staticDir, port: 0 });
    const page = await browser.newPage();
    const dialogs: string[] = [];
    try {
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      await page.goto(server.loginUrl);
      await page.locator(`[data-task-id="${task.id}"]`).click();
      await page.getByRole('button', { name: 'Worktree & review' }).click();
      await expect.poll(() => page.getByTestId('worktree-branch').textContent(), SLOW).toBe('sy/unsaved-work');
      await page.getByRole('button', { name: 'Remove worktree' }).click();
      await expect.poll(() => existsSync(worktree.path), SLOW).toBe(false);
      expect(dialogs.some((d) => d.includes('uncommitted change'))).toBe(true);

      const saved = page.getByRole('region', { name: 'Saved changes' });
      await saved.getByRole('button', { name: 'Restore' }).click();
      await expect.poll(() => page.getByTestId('worktree-branch').textContent(), SLOW).toBe('sy/unsaved-work');
      const path = (await page.getByTestId('worktree-path').textContent()) ?? '';
      expect(readFileSync(join(path, 'notes.txt'), 'utf8')).toBe('not committed anywhere\n');
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('shows the worktree folder and an orphan made behind its back, and adopts it for a task', async () => {
    const core = makeCore();
    const repo = makeRepo({ files: { 'README.md': '# demo\n' } });
    const project = await core.projects.add(repo);
    const task = addTask(core, project.id, 'Owner to be');
    const root = await core.worktrees.root(project.id);
    const manual = join(root, 'manual');
    gitIn(repo, ['worktree', 'add', '-q', '-b', 'manual', manual]);

    const server = await startServer({ core, staticDir, port: 0 });
    const page = await browser.newPage();
    try {
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'Worktrees', exact: true }).click();
      await expect.poll(() => page.getByTestId('worktree-root').textContent(), SLOW).toBe(root);
      const orphans = page.getByRole('list', { name: 'Orphans' });
      await expect.poll(() => orphans.textContent(), SLOW).toContain(manual);
      await orphans.getByLabel('Task to adopt it').selectOption(task.id);
      await orphans.getByRole('button', { name: 'Adopt' }).click();
      await expect.poll(() => page.getByText('None: every worktree belongs to a task').count(), SLOW).toBe(1);
      expect((await core.worktrees.get(task.id))?.path).toBe(manual);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
