import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { INSTALL_SCRIPT } from '../cache/cacheFixture';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { launchBrowser } from './harness';

/** A worktree's setup and a page's answers on a busy 2-core machine (ms). */
const SLOW = { timeout: 30_000 };

describe('the Cache page in browser mode', () => {
  it('lists the entry a task’s setup stored, keeps a new size limit over a reload, and shows a project’s strategy override with its source', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(
      makeRepo({ files: { 'README.md': '# r\n', 'package-lock.json': '{"lockfileVersion":3}\n', '.gitignore': 'node_modules/\n' } }),
    );
    core.settings.set('worktrees.setupScript', INSTALL_SCRIPT, 'project', project.id);
    // A task's setup: its worktree installs node_modules through the script, and the cache stores it.
    const task = core.tasks.create({ projectId: project.id, title: 'Install', prompt: '', status: 'ready', priority: 'normal', phase: null });
    await core.worktrees.create({ taskId: task.id });
    await core.cache.idle();
    const [entry] = await core.cache.list();
    expect(entry).toBeDefined();
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'Cache' }).click();
      const row = page.locator(`tr[data-entry="${entry!.key}"]`);
      await row.waitFor(SLOW);
      expect(await row.textContent()).toContain('node_modules');
      expect(await row.locator('td').nth(4).textContent()).toBe(project.name);
      expect(await page.getByLabel('Strategy in use').textContent()).toMatch(/Strategy for .*: (clone|hardlink|copy) — auto: /);

      // Verify from the page: the outcome is shown once the progress is done.
      await row.getByRole('button', { name: 'verify' }).click();
      await expect.poll(() => page.getByRole('status').first().textContent(), SLOW).toBe('1 verified, none changed');

      // The size limit, set on the page and kept over a reload.
      const size = page.locator('tr[data-setting="cache.maxSizeMb"]');
      await size.getByLabel('Cache size limit (MB) (yours)').fill('512');
      await size.getByLabel('Cache size limit (MB) (yours)').press('Enter');
      await expect.poll(() => size.locator('td').nth(1).textContent()).toBe('512your setting');
      await page.reload();
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'Cache' }).click();
      await expect.poll(() => size.locator('td').nth(1).textContent(), SLOW).toBe('512your setting');
      expect(await size.getByLabel('Cache size limit (MB) (yours)').inputValue()).toBe('512');
      expect(core.settings.value('cache.maxSizeMb')).toBe(512);
      await expect.poll(() => page.getByText(/of 512 MiB in/).count()).toBe(1);

      // A strategy for this project only: the effective value says where it comes from, and the strategy in use follows.
      const strategy = page.locator('tr[data-setting="cache.strategy"]');
      await strategy.getByLabel('Dependency cache strategy (this project)').selectOption('copy');
      await expect.poll(() => strategy.locator('td').nth(1).textContent()).toBe('copythis project');
      await expect.poll(() => page.getByLabel('Strategy in use').textContent(), SLOW).toMatch(/: copy — copy, as set/);
      expect(core.settings.value('cache.strategy')).toBe('auto');
      await strategy.getByRole('button', { name: 'reset' }).click();
      await expect.poll(() => strategy.locator('td').nth(1).textContent()).toBe('autodefault');

      // Evicted from the page: the list empties.
      await row.getByRole('button', { name: 'evict' }).click();
      await expect.poll(() => row.count(), SLOW).toBe(0);
      expect(await core.cache.list()).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);

  it('shows a task’s last check on its card, and a re-check of the same tree as cached', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('checks.command', "echo '2 passed'", 'project', project.id);
    const task = core.tasks.create({ projectId: project.id, title: 'Checked task', prompt: '', status: 'review', priority: 'normal', phase: null });
    await core.worktrees.create({ taskId: task.id });
    await core.checks.run(task.id);
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.loginUrl);
      const badge = page.locator(`[data-task-id="${task.id}"] .chip.check`);
      await expect.poll(() => badge.textContent(), SLOW).toBe('✓ checks');
      expect(await badge.getAttribute('title')).toBe("echo '2 passed': 2 passed");
      // Checked again with nothing changed: the card hears of it and says it came from the cache.
      await core.checks.run(task.id);
      await expect.poll(() => badge.textContent(), SLOW).toBe('✓ checks (cached)');
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});
