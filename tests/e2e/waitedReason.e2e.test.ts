import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser, startServe } from './harness';

/** A serve's start, an agent's start, a tab's reconnection, on a busy 2-core machine (ms). */
const SLOW = { timeout: 30_000 };

/** What a Ready task says when it could have started while no serve ran, and still waits for a slot. */
const WAITED = /^waited \d+ s for Switchyard to be back; it starts when fewer agents run$/;

/**
 * A data folder whose project runs one agent at a time: `Holder` works until its flag file exists
 * (the test never makes it), `Next` is ready behind it.
 */
async function projectWithOneSlot(dataDir: string): Promise<void> {
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  try {
    const project = await core.projects.add(makeRepo());
    core.settings.set('scheduler.maxConcurrent', 1, 'project', project.id);
    const flag = join(tempDir(), 'go');
    const sh = (script: string) => ({ agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', script], promptDelivery: 'none' as const } });
    core.tasks.create({ projectId: project.id, title: 'Holder', ...sh(`while [ ! -e '${flag}' ]; do sleep 0.1; done`) });
    core.tasks.create({ projectId: project.id, title: 'Next', ...sh('echo next') });
  } finally {
    await core.dispose();
  }
}

describe('a task that waited for the app', () => {
  it('says on its card how long it waited for a serve to be back, and its view is named for that reason', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const dataDir = tempDir('switchyard-data-');
    await projectWithOneSlot(dataDir);
    const first = await startServe(dataDir);
    const page = await (await launchBrowser()).newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(first.loginUrl);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('region', { name: 'Running' }).getByRole('button', { name: /^Holder/ }).waitFor(SLOW);
    const next = page.getByRole('region', { name: 'Ready' }).getByRole('button', { name: /^Next/ });
    await next.waitFor();
    expect(await next.locator('.card-reason').count(), 'no reason while a serve runs its project').toBe(0);

    // Tried: serve quits as the app does (SIGTERM keeps the agents running), with Next ready and its run on.
    await new Promise<void>((resolve) => {
      first.process.once('exit', () => resolve());
      first.process.kill('SIGTERM');
    });
    const second = await startServe(dataDir);
    expect(new URL(second.loginUrl).hash, 'the same token').toBe(new URL(first.loginUrl).hash);

    // The agent kept running is taken back and still holds the one slot.
    await page.goto(second.loginUrl);
    await page.getByRole('region', { name: 'Running' }).getByRole('button', { name: /^Holder/ }).waitFor(SLOW);
    await expect.poll(() => next.locator('.card-reason').textContent(), SLOW).toMatch(WAITED);

    await next.click();
    const editor = page.getByRole('dialog', { name: 'Edit task' });
    const why = editor.getByRole('status', { name: 'Why this task waited to start' });
    await why.waitFor(SLOW);
    expect(await why.locator('strong').textContent()).toBe('Waited for Switchyard to be back');
    expect(await why.locator('.reason-message').textContent()).toMatch(/WAITED_FOR_APP\s+waited \d+ s for Switchyard to be back/);
    expect(await editor.getByRole('status', { name: 'Why this task stopped' }).count(), 'a task that never stopped is not said to have').toBe(0);
  }, 120_000);
});
