import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser, servedWithProject, startServe } from './harness';

async function createTask(page: Page, title: string, prompt: string) {
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Prompt').fill(prompt);
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await dialog.waitFor({ state: 'detached' });
}

type Point = { x: number; y: number };

/**
 * Drags a card to a point and drops it once the board shows `targeted` (the drop target under the
 * pointer). `to` may be read again at each look: the board may scroll under the pointer while it drags.
 */
async function drag(page: Page, from: string, to: Point | (() => Promise<Point>), targeted: () => Promise<boolean>) {
  const point = typeof to === 'function' ? to : async () => to;
  const box = (await page.locator('.card', { hasText: from }).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 10, box.y + box.height / 2 + 10, { steps: 5 });
  // Let the drag start and the drop targets be measured before moving on, as a hand would.
  await page.locator('.overlay-card').waitFor();
  const first = await point();
  await page.mouse.move(first.x, first.y, { steps: 15 });
  // dnd-kit picks the drop target only when the pointer moves, and measuring the targets can
  // finish after the last step: each look nudges the pointer a pixel, alternately right and back.
  let looks = 0;
  await expect
    .poll(async () => {
      const at = await point();
      await page.mouse.move(at.x + (looks++ % 2 === 0 ? 1 : 0), at.y);
      return targeted();
    })
    .toBe(true);
  await page.mouse.up();
  await page.locator('.overlay-card').waitFor({ state: 'detached' });
}

describe('browser mode, end to end', () => {
  it('adds a project, creates two tasks, finds them after a reload and after a server restart', async () => {
    const dataDir = tempDir('switchyard-e2e-');
    const repo = makeRepo();
    const repoName = repo.split('/').pop()!;
    let served = await startServe(dataDir);
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(served.loginUrl);
    // The token leaves the address bar for the tab's sessionStorage.
    expect(page.url()).toBe(served.url);
    await page.getByRole('heading', { name: 'Add a repository to start' }).waitFor();

    // A path that is not a repository is explained, not swallowed.
    await page.getByLabel('Add a repository').fill(tempDir());
    await page.getByRole('button', { name: 'Add project' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('NOT_A_GIT_REPO');

    await page.getByLabel('Add a repository').fill(repo);
    await page.getByRole('button', { name: 'Add project' }).click();
    await page.getByRole('heading', { name: repoName }).waitFor();

    await createTask(page, 'Write the parser', 'Parse **plans**');
    await createTask(page, 'Add the scheduler', 'Run ready tasks');
    const backlog = page.getByRole('region', { name: 'Backlog' });
    await expect.poll(() => backlog.locator('.card').allTextContents()).toEqual([
      expect.stringContaining('Write the parser'),
      expect.stringContaining('Add the scheduler'),
    ]);

    // Edit one: move it to Review.
    await backlog.getByRole('button', { name: /^Add the scheduler/ }).click();
    const editor = page.getByRole('dialog', { name: 'Edit task' });
    await editor.getByLabel('Status').selectOption('review');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Review' }).getByRole('button', { name: /^Add the scheduler/ }).waitFor();

    await page.reload();
    await page.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Write the parser/ }).waitFor();
    await page.getByRole('region', { name: 'Review' }).getByRole('button', { name: /^Add the scheduler/ }).waitFor();

    // Restart the server on the same data directory: everything is still there.
    await served.stop();
    served = await startServe(dataDir);
    const second = await browser.newPage();
    await second.goto(served.loginUrl);
    await second.getByRole('heading', { name: repoName }).waitFor();
    await second.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Write the parser/ }).waitFor();
    await second.getByRole('region', { name: 'Review' }).getByRole('button', { name: /^Add the scheduler/ }).waitFor();
    expect(served.output()).not.toMatch(/error/i);
  }, 120_000);

  it('saving an editor opened before the card moved elsewhere keeps the move and saves the edit', async () => {
    const { served, browser, page: first } = await servedWithProject();
    await createTask(first, 'Stale editor', 'Edit me');
    await first.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Stale editor/ }).click();
    const stale = first.getByRole('dialog', { name: 'Edit task' });
    await stale.getByLabel('Title').waitFor();

    // Tried: another page moves the card to Review while the first page's editor still says Backlog.
    const second = await browser.newPage();
    await second.goto(served.loginUrl);
    await second.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Stale editor/ }).click();
    const mover = second.getByRole('dialog', { name: 'Edit task' });
    await mover.getByLabel('Status').selectOption('review');
    await mover.getByRole('button', { name: 'Save' }).click();
    await mover.waitFor({ state: 'detached' });

    await stale.getByLabel('Title').fill('Stale editor, renamed');
    await stale.getByRole('button', { name: 'Save' }).click();
    await stale.waitFor({ state: 'detached' });
    await first.getByRole('region', { name: 'Review' }).getByRole('button', { name: /^Stale editor, renamed/ }).waitFor();
    expect(await first.getByRole('alert').count()).toBe(0);
    await served.stop();
  }, 120_000);

  it('live updates reach a second open page', async () => {
    const { served, browser, page: first } = await servedWithProject();
    const second = await browser.newPage();
    await second.goto(served.loginUrl);
    await second.getByRole('button', { name: 'New task' }).waitFor();
    await createTask(first, 'Seen elsewhere', '');
    await second.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Seen elsewhere/ }).waitFor();
  }, 120_000);
});

describe('board interactions', () => {
  it('drags a card to another column and reorders within one; search filters the cards', async () => {
    const { page } = await servedWithProject({ width: 1600, height: 900 });
    for (const title of ['One', 'Two', 'Three']) await createTask(page, title, `prompt of ${title}`);
    const backlog = page.getByRole('region', { name: 'Backlog' });
    await expect.poll(() => backlog.locator('.card-title').allTextContents()).toEqual(['One', 'Two', 'Three']);

    // Three onto One: it becomes first.
    const one = (await page.locator('.card', { hasText: 'One' }).boundingBox())!;
    // Over One, the column makes room above it: One is drawn shifted down.
    const shifted = async () => /translate3d\(0px, [1-9]/.test(await page.locator('.card-wrap', { hasText: 'One' }).evaluate((el) => (el as HTMLElement).style.transform));
    await drag(page, 'Three', { x: one.x + one.width / 2, y: one.y + 5 }, shifted);
    await expect.poll(() => backlog.locator('.card-title').allTextContents()).toEqual(['Three', 'One', 'Two']);

    // Two into the empty Ready column.
    const ready = page.getByRole('region', { name: 'Ready' });
    const readyBox = (await ready.boundingBox())!;
    const readyOver = async () => (await ready.getAttribute('class'))?.split(' ').includes('over') ?? false;
    await drag(page, 'Two', { x: readyBox.x + readyBox.width / 2, y: readyBox.y + 120 }, readyOver);
    await expect.poll(() => ready.locator('.card-title').allTextContents()).toEqual(['Two']);

    // The order and the move are stored, not just drawn.
    await page.reload();
    await expect.poll(() => page.getByRole('region', { name: 'Backlog' }).locator('.card-title').allTextContents()).toEqual(['Three', 'One']);
    await expect.poll(() => page.getByRole('region', { name: 'Ready' }).locator('.card-title').allTextContents()).toEqual(['Two']);

    await page.getByLabel('Search tasks').fill('prompt of one');
    await expect.poll(() => page.locator('.card-title').allTextContents()).toEqual(['One']);
  }, 120_000);

  it('a folded column still takes a dropped card', async () => {
    const { page } = await servedWithProject({ width: 1600, height: 900 });
    await createTask(page, 'Finished elsewhere', '');
    await page.getByRole('button', { name: 'Collapse Done' }).click();
    const done = page.getByRole('region', { name: 'Done', exact: true });
    await expect.poll(() => done.evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(48);
    const over = async () => (await done.getAttribute('class'))?.split(' ').includes('over') ?? false;
    // The strip's middle as it is now: at the board's right edge, the drag may scroll the board.
    const strip = async () => {
      const box = (await done.boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    await drag(page, 'Finished elsewhere', strip, over);
    await expect.poll(() => done.locator('.count').textContent()).toBe('1');
  }, 120_000);
});
