import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { launchBrowser, recordedNotifications, recordNotifications } from './harness';

/** An agent's start, question and answer on a busy 2-core machine (ms). */
const SLOW = { timeout: 45_000 };

describe('the inbox in browser mode', () => {
  it('shows the question and its choices, sends the answer to the agent, and takes it out of every window', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    installFakeClaude(300);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Write the note', prompt: 'Write a note', status: 'ready', priority: 'normal', phase: null });
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const context = await (await launchBrowser()).newContext();
      await recordNotifications(context, server.loginUrl);
      const first = await context.newPage();
      const second = await context.newPage();
      for (const page of [first, second]) {
        await page.goto(server.loginUrl);
        await page.getByRole('button', { name: 'New task' }).waitFor();
      }
      // The second window shows the inbox, empty.
      await second.getByRole('button', { name: /^Inbox, 0 waiting/ }).click();
      await second.getByText('No agent waits for you').waitFor();

      const session = await core.sessions.start(task.id);
      const worktree = () => core.worktrees.get(task.id)!;
      for (const page of [first, second]) await expect.poll(() => page.title(), SLOW).toBe('(1) Switchyard');
      await expect
        .poll(async () => (await recordedNotifications(first)).map((n) => n.title), SLOW)
        .toContain('Write the note needs your input');

      // Alt+N in the first window: the inbox, at the waiting agent, with its question and choices.
      await first.keyboard.press('Alt+KeyN');
      const item = first.getByRole('listitem', { name: 'Write the note asks' });
      await item.waitFor();
      expect(await item.getAttribute('aria-current')).toBe('true');
      await item.getByText(`Allow Edit "${worktree().path}/fake-agent-notes.md"?`).waitFor();
      const answers = item.getByRole('group', { name: 'Answers' }).getByRole('button');
      expect(await answers.allTextContents()).toEqual([
        '1. Yes',
        "2. Yes, and don't ask again this session",
        '3. No, and tell Claude what to do differently',
        'Open its terminal',
      ]);
      await second.getByRole('listitem', { name: 'Write the note asks' }).waitFor();

      // Answered in the first window: gone from both, the title count with it, and the agent goes on.
      await item.getByRole('button', { name: '1. Yes' }).click();
      for (const page of [first, second]) {
        await page.getByRole('listitem', { name: 'Write the note asks' }).waitFor({ state: 'detached', ...SLOW });
      }
      expect(await first.title()).toBe('Switchyard');

      // Its next question (the commit) comes to both; a key answers it in the second window.
      const commit = second.getByRole('listitem', { name: 'Write the note asks' });
      await commit.getByText(/^Allow Bash "git add fake-agent-notes\.md/).waitFor(SLOW);
      await expect.poll(() => second.title(), SLOW).toBe('(1) Switchyard');
      await second.keyboard.press('1');
      for (const page of [first, second]) {
        await page.getByRole('listitem', { name: 'Write the note asks' }).waitFor({ state: 'detached', ...SLOW });
        await expect.poll(() => page.title(), SLOW).toBe('Switchyard');
      }
      await expect.poll(() => core.tasks.get(task.id).status, SLOW).toBe('review');
      expect(gitIn(worktree().path, ['log', '-1', '--format=%s'])).toBe('Note: Write a note');
      // Both answers reached the agent through its hook: nothing was typed into its terminal.
      const screen = (await core.transcripts.export(session.id, 'text')).data;
      expect(screen).toContain('Edit allowed by a PermissionRequest hook');
      expect(screen).toContain('Bash allowed by a PermissionRequest hook');
    } finally {
      await server.close();
    }
  }, 150_000);
});
