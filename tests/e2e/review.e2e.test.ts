import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser } from './harness';

/** A merge, a removal and the board following them, on a busy 2-core machine (ms). */
const SLOW = { timeout: 30_000 };

/** Commits files in a checkout, as an agent does in its worktree. */
function commitIn(dir: string, files: Record<string, string>, message: string) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '-m', message]);
}

/** The core in this process, served to a headless Chromium, with one project on a real repository. */
async function servedCore() {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  const core = makeCore();
  const repo = makeRepo({ files: { 'README.md': '# demo\n', 'app.txt': 'line 1\nline 2\nline 3\n' } });
  const project = await core.projects.add(repo);
  const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
  const browser = await launchBrowser();
  return { core, project, repo, server, browser };
}

/** A task in Review whose worktree holds three commits, each of the changes given. */
async function taskInReview(core: ReturnType<typeof makeCore>, projectId: string, title: string, commits: Record<string, string>[]) {
  const task = core.tasks.create({ projectId, title, prompt: '', status: 'review', priority: 'normal', phase: null });
  const worktree = await core.worktrees.create({ taskId: task.id });
  commits.forEach((files, i) => commitIn(worktree.path, files, `commit ${i + 1} of ${title}`));
  return { task, worktree };
}

describe('review from the board', () => {
  it("opens a Review card's diff from its Review action, merges it, says so in words, and leaves no error nor stale editor", async () => {
    const { core, project, repo, server, browser } = await servedCore();
    try {
      // Three commits that change five files; then three that add three others.
      const { task, worktree } = await taskInReview(core, project.id, 'Add the numbers', [
        { 'one.txt': '1\n', 'two.txt': '2\n' },
        { 'three.txt': '3\n', 'app.txt': 'line 1\nline 2 by the agent\nline 3\n' },
        { 'README.md': '# demo\nwith notes\n' },
      ]);
      const other = await taskInReview(core, project.id, 'Edit the notes', [{ 'notes-a.txt': 'a\n' }, { 'notes-b.txt': 'b\n' }, { 'notes-c.txt': 'c\n' }]);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(server.loginUrl);

      // Only cards in Review offer it; this one's opens the diff straight away.
      const review = page.getByRole('region', { name: 'Review' });
      await review.getByRole('button', { name: 'Review the work of Add the numbers' }).click();
      const panel = page.getByRole('dialog', { name: 'Worktree of Add the numbers' });
      await expect.poll(() => panel.getByRole('region', { name: 'Diff of app.txt' }).textContent(), SLOW).toContain('line 2 by the agent');
      expect(await panel.getByTestId('worktree-branch').textContent()).toBe(worktree.branch);

      await panel.getByRole('button', { name: 'Merge', exact: true }).click();
      const words = `Merged ${worktree.branch} into main: 3 commits, 5 files`;
      await expect.poll(() => panel.getByRole('status').textContent(), SLOW).toBe(`${words}. Add the numbers is done and its worktree removed.`);
      await expect.poll(() => page.locator('.notices').getByRole('status').allTextContents(), SLOW).toEqual([expect.stringContaining(words)]);
      expect(readFileSync(join(repo, 'one.txt'), 'utf8')).toBe('1\n');
      expect(existsSync(worktree.path)).toBe(false);
      await expect.poll(() => page.locator(`[data-status="done"] [data-task-id="${task.id}"]`).count(), SLOW).toBe(1);
      // The worktree went while the panel read it: no NOT_FOUND, nor any other error.
      expect(await page.getByRole('alert').allTextContents()).toEqual([]);
      await panel.getByRole('button', { name: 'Close' }).click();
      await panel.waitFor({ state: 'detached' });
      expect(await page.getByRole('dialog').count()).toBe(0);
      // A card in Done offers no Review.
      expect(await page.getByRole('button', { name: 'Review the work of Add the numbers' }).count()).toBe(0);

      // The command palette's Review opens the same panel.
      await page.keyboard.press('Control+k');
      const palette = page.getByRole('dialog', { name: 'Command palette' });
      await palette.getByRole('combobox', { name: 'Command' }).fill('Review: Edit the notes');
      await page.keyboard.press('Enter');
      const fromPalette = page.getByRole('dialog', { name: 'Worktree of Edit the notes' });
      await expect.poll(() => fromPalette.getByTestId('worktree-branch').textContent(), SLOW).toBe(other.worktree.branch);
      await fromPalette.getByRole('button', { name: 'Close' }).click();
      await fromPalette.waitFor({ state: 'detached' });

      // The same from the editor: once the task landed, closing the panel closes the editor too.
      await review.getByRole('button', { name: /^Edit the notes/ }).click();
      const editor = page.getByRole('dialog', { name: 'Edit task' });
      await editor.getByRole('button', { name: 'Worktree & review' }).click();
      const second = page.getByRole('dialog', { name: 'Worktree of Edit the notes' });
      await expect.poll(() => second.getByTestId('worktree-branch').textContent(), SLOW).toBe(other.worktree.branch);
      await second.getByRole('button', { name: 'Squash', exact: true }).click();
      await expect.poll(() => second.getByRole('status').textContent(), SLOW).toContain(`Squashed ${other.worktree.branch} into main: 3 commits, 3 files`);
      await second.getByRole('button', { name: 'Close' }).click();
      await second.waitFor({ state: 'detached' });
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(core.tasks.get(other.task.id).status).toBe('done');
      expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);

  it("lists a conflicting task's files and offers two ways out: the agent is asked and resolves them, or the worktree opens in the editor", async () => {
    installFakeClaude(50);
    const { core, project, repo, server, browser } = await servedCore();
    try {
      // Every question answered by the agent's own flag: its turns end without anyone at the keyboard.
      core.settings.set('policy.preset', 'all', 'project', project.id);
      const task = core.tasks.create({ projectId: project.id, title: 'Reword line two', prompt: 'note the plan', status: 'ready', priority: 'normal', phase: null });
      await core.sessions.start(task.id);
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('review');
      const worktree = core.worktrees.get(task.id)!;
      commitIn(worktree.path, { 'app.txt': 'line 1\nline 2 of the task\nline 3\n' }, 'task edit');
      commitIn(repo, { 'app.txt': 'line 1\nline 2 of the base\nline 3\n' }, 'base edit');
      // An editor that writes down the folder it was given.
      const bin = tempDir('switchyard-editor-');
      const seen = join(bin, 'seen.txt');
      writeFileSync(join(bin, 'editor'), `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`, { mode: 0o755 });
      core.settings.set('worktrees.editor', join(bin, 'editor'), 'user');

      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(server.loginUrl);
      await page.getByRole('region', { name: 'Review' }).getByRole('button', { name: 'Review the work of Reword line two' }).click();
      const panel = page.getByRole('dialog', { name: 'Worktree of Reword line two' });
      await expect.poll(() => panel.getByTestId('worktree-branch').textContent(), SLOW).toBe(worktree.branch);
      await panel.getByRole('button', { name: 'Merge', exact: true }).click();
      const conflicts = panel.getByRole('region', { name: 'Conflicts' });
      await expect.poll(() => conflicts.getByRole('list', { name: 'Conflicting files' }).locator('li').allTextContents(), SLOW).toEqual(['app.txt']);
      expect(await conflicts.textContent()).toContain(`${worktree.branch} conflicts with main in app.txt; main was not changed`);
      // A conflict is a state with ways out, not an error.
      expect(await page.getByRole('alert').count()).toBe(0);

      await conflicts.getByRole('button', { name: 'Open in editor' }).click();
      await expect.poll(() => (existsSync(seen) ? readFileSync(seen, 'utf8') : ''), SLOW).toBe(worktree.path);

      await conflicts.getByRole('button', { name: 'Ask the agent to resolve' }).click();
      await expect.poll(() => conflicts.getByRole('status').textContent(), SLOW).toBe('Asked the agent to resolve app.txt; the merge waits in its worktree.');
      // The merge was started in the worktree, and the agent got a prompt naming the file; it resolves it and concludes the merge.
      await expect.poll(() => readFileSync(join(worktree.path, 'fake-agent-notes.md'), 'utf8'), SLOW).toContain(`Merging main into ${worktree.branch} conflicts in app.txt.`);
      await expect.poll(() => gitIn(worktree.path, ['log', '-1', '--format=%P']).split(' ').length, SLOW).toBe(2);
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('review');

      // Resolved: the panel reads the worktree again as the agent's turn ends (no conflict left in it), and the merge goes through and says so.
      await expect.poll(() => panel.getByText('Uncommitted').locator('xpath=following-sibling::dd[1]').textContent(), SLOW).toBe('0 files');
      // The conflict the merge met is over once the branch moved on: it is no longer shown.
      await expect.poll(() => conflicts.count(), SLOW).toBe(0);
      await panel.getByRole('button', { name: 'Merge', exact: true }).click();
      await expect.poll(() => panel.getByRole('status').first().textContent(), SLOW).toContain(`Merged ${worktree.branch} into main: 3 commits`);
      expect(readFileSync(join(repo, 'app.txt'), 'utf8')).toBe('line 1\nline 2 of the task\nline 2 of the base\nline 3\n');
      expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    } finally {
      await server.close();
    }
  }, 120_000);
});
