import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeCore } from '../helpers/core';
import { DEPENDENT_NOTES } from '../fixtures/notePlans';
import { answerQuestions, installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { openDialog, watchPage } from './harness';

/** A plan's whole run on a busy 2-core machine: two agents, each asking twice (ms). */
const SLOW = { timeout: 60_000 };

const PLAN = `# Notes plan

## Phase 1: Notes

${DEPENDENT_NOTES}`;

describe('running a plan in browser mode', () => {
  it('imports a small plan, runs it with the agent, and sees every task reach review in order', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    installFakeClaude(50);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    // A dependent starts from its finished dependency's branch, without waiting for a merge.
    core.settings.set('scheduler.stacking', true, 'project', project.id);
    answerQuestions(core);
    const planFile = join(tempDir(), 'notes-plan.md');
    writeFileSync(planFile, PLAN);

    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    const browser = await launchChromium();
    try {
      const page = watchPage(await browser.newPage({ viewport: { width: 1500, height: 900 } }));
      await page.goto(server.loginUrl);
      const dialog = await openDialog(page, page.getByRole('button', { name: 'Import plan' }), 'Import a plan');
      await dialog.getByLabel('Plan file').setInputFiles(planFile);
      await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/2 of 2 tasks · 1 dependencies/);
      await dialog.getByRole('button', { name: 'Import 2 tasks' }).click();
      await dialog.getByRole('button', { name: 'Close' }).click();

      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const review = page.getByRole('region', { name: 'Review' });
      await expect.poll(() => review.locator('.card-title').allTextContents(), SLOW).toEqual(['First note', 'Second note']);
      await expect.poll(() => page.locator('.run-control').textContent(), SLOW).toMatch(/0 running · 0 waiting/);

      const [first, second] = core.tasks.list(project.id);
      const startedAt = (id: string) => core.sessions.list({ taskId: id })[0]!.startedAt;
      expect(startedAt(second!.id)).toBeGreaterThan(startedAt(first!.id));
      expect(core.worktrees.get(second!.id)!.baseBranch).toBe(core.worktrees.get(first!.id)!.branch);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});
