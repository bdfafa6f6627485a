import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { launchBrowser } from './harness';

/** A browser, two imports and their previews on a loaded machine (ms). */
const TEST_MS = 120_000;
const SLOW = { timeout: 30_000 };

const plan = (agent: string) => `# Plan\n\n### Task 1: Parser\n**Assignee:** ${agent}\n\nWrite the parser.\n\n### Task 2: Docs\n**Assignee:** ${agent}\n\nWrite the docs.\n`;

/** Opens the import dialog, pastes `text` as typed text, previews and imports it; returns the dialog. */
async function importText(page: Page, text: string) {
  await page.getByRole('button', { name: 'Import plan' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a plan' });
  await dialog.getByLabel('Plan text').fill(text);
  await dialog.getByRole('button', { name: 'Preview text' }).click();
  await dialog.getByRole('button', { name: /^Import/ }).click();
  await dialog.locator('.plan-result').waitFor(SLOW);
  return dialog;
}

describe('re-importing a plan in Chromium', () => {
  it('says which started tasks kept the agent they run with, and what the plan would have changed', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const page = await (await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(server.loginUrl);
      await page.getByRole('button', { name: 'New task' }).waitFor(SLOW);
      const first = await importText(page, plan('Claude Code'));
      await expect.poll(() => first.locator('.plan-result').textContent(), SLOW).toMatch(/2 new/);
      expect(await first.getByRole('note', { name: 'Started tasks kept as they run' }).count()).toBe(0);
      await first.getByRole('button', { name: 'Close' }).click();

      // Tried: the plan names another agent after one of its tasks has started.
      const parser = core.tasks.list(project.id).find((t) => t.title === 'Parser')!;
      core.tasks.update(parser.id, { status: 'running' });
      const second = await importText(page, plan('Codex'));
      await expect.poll(() => second.locator('.plan-result').textContent(), SLOW).toMatch(/1 updated/);
      const kept = second.getByRole('note', { name: 'Started tasks kept as they run' });
      await expect.poll(() => kept.textContent(), SLOW).toMatch(/1 Parser \(running\): .*agent/);
      expect(await kept.textContent()).not.toContain('Docs');
      expect(core.tasks.get(parser.id).agentKind).toBe('claude-code');
      expect(core.tasks.list(project.id).find((t) => t.title === 'Docs')!.agentKind).toBe('codex');
    } finally {
      await server.close();
      await core.dispose();
    }
  }, TEST_MS);
});
