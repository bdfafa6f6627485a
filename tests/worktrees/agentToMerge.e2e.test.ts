import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeCore } from '../helpers/core';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { installFakeClaude } from '../helpers/fakeClaude';

const staticDir = join(appRoot(), 'dist', 'renderer');
/** A real agent turn on a busy 2-core machine: start, two questions, an edit and a commit (ms). */
const SLOW = { timeout: 30_000 };
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('from a task to its merge, in headless Chromium', () => {
  it("starts the task's agent, shows its worktree, branch and diff, merges it, and the task is done with its worktree gone", async () => {
    installFakeClaude(100);

    const core = makeCore();
    const repo = makeRepo({ files: { 'README.md': '# demo\n' } });
    const project = await core.projects.add(repo);
    const task = core.tasks.create({ projectId: project.id, title: 'Write a note', prompt: 'Write a note about the parser', status: 'ready' });
    const server = await startServer({ core, staticDir, port: 0 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'Start a session for Write a note' }).click();
      const pane = page.locator('.terminal-surface').first();
      await pane.waitFor(SLOW);

      // The agent asks twice (the edit, then the commit); the user answers in the pane.
      for (const question of ['Do you want to make this edit', 'Do you want to proceed']) {
        await expect.poll(() => pane.locator('.xterm-rows').innerText(), SLOW).toContain(question);
        await pane.click();
        await page.keyboard.press('1');
      }
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('review');

      const worktree = core.worktrees.get(task.id)!;
      expect(worktree.path.startsWith(repo)).toBe(false);
      expect(gitIn(worktree.path, ['log', '-1', '--format=%s'])).toBe('Note: Write a note about the parser');

      await page.getByRole('button', { name: 'Board', exact: true }).click();
      await page.locator(`[data-task-id="${task.id}"]`).click();
      await page.getByRole('button', { name: 'Worktree & review' }).click();
      await expect.poll(() => page.getByTestId('worktree-branch').textContent(), SLOW).toBe(worktree.branch);
      const diff = page.getByRole('region', { name: 'Diff of fake-agent-notes.md' });
      await expect.poll(() => diff.textContent(), SLOW).toContain('Write a note about the parser');

      await page.getByRole('button', { name: 'Merge', exact: true }).click();
      await expect.poll(() => existsSync(join(repo, 'fake-agent-notes.md')), SLOW).toBe(true);
      expect(readFileSync(join(repo, 'fake-agent-notes.md'), 'utf8')).toBe('- Write a note about the parser\n');
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('done');
      await expect.poll(() => existsSync(worktree.path), SLOW).toBe(false);
      // Its agent was stopped with it: nothing runs in a folder that is gone.
      await expect.poll(() => core.sessions.list({ taskId: task.id }).every((s) => s.endedAt !== null), SLOW).toBe(true);
      expect(core.tasks.get(task.id).status).toBe('done');
      await page.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => page.locator(`[data-status="done"] [data-task-id="${task.id}"]`).count(), SLOW).toBe(1);
    } finally {
      await page.close();
      await server.close();
    }
  }, 90_000);
});
