import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { appRoot } from '../../electron/core/appRoot';
import { memoryLogger } from '../../electron/core/log';
import type { TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const staticDir = join(appRoot(), 'dist', 'renderer');
/** How long a poll waits for the page to follow (ms): the machine may be busy. */
const SLOW = { timeout: 20_000 };
/** SQLite's largest page cap: no cap at all. */
const NO_PAGE_LIMIT = 1_073_741_823;

/** An agent that prints numbered lines until it is stopped (see the fixture). */
const NUMBERED_LINES = join(import.meta.dirname, '..', 'fixtures', 'numbered-lines.mjs');
const launcher: TaskLauncher = async () => ({ file: process.execPath, args: [NUMBERED_LINES], env: {}, cwd: tempDir() });

let browser: Browser;
const cores: Core[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

describe('the storage banner in headless Chromium', () => {
  it('says that the disk is full while it is, also in a page opened meanwhile, and tells once when all is written', async () => {
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger(), launcher });
    cores.push(core);
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'flood', prompt: 'print', status: 'ready', priority: 'normal', phase: null });
    const server = await startServer({ core, staticDir, port: 0 });
    const first = await browser.newPage();
    const pages = [first];
    try {
      await first.goto(server.loginUrl);
      await first.getByRole('button', { name: 'Board' }).waitFor(SLOW);
      const banner = (page: typeof first) => page.locator('.storage-banner');
      expect(await banner(first).count()).toBe(0);

      const session = await core.sessions.start(task.id);
      await waitFor('output recorded', async () => (await core.transcripts.export(session.id, 'text')).data.includes('line 000100'));
      const pageCount = core.database.sqlite.pragma('page_count', { simple: true }) as number;
      core.database.sqlite.pragma(`max_page_count = ${pageCount}`);
      core.transcript.limitPages(pageCount);
      await expect.poll(() => banner(first).textContent(), SLOW).toContain('cannot write to its database');
      expect(await banner(first).textContent()).toContain('database or disk is full');

      // A page opened while the disk is full asks how things stand.
      const second = await browser.newPage();
      pages.push(second);
      await second.goto(server.loginUrl);
      await expect.poll(() => banner(second).count(), SLOW).toBe(1);

      await core.sessions.stop(session.id);
      core.database.sqlite.pragma(`max_page_count = ${NO_PAGE_LIMIT}`);
      core.transcript.limitPages(NO_PAGE_LIMIT);
      for (const page of pages) {
        await expect.poll(() => banner(page).count(), SLOW).toBe(0);
        await expect.poll(() => page.getByText('There is room on the disk again').count(), SLOW).toBe(1);
      }
    } finally {
      for (const page of pages) await page.close();
      await server.close();
    }
  }, 60_000);
});
