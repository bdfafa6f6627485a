import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { launchBrowser } from './harness';

/** The window sizes a person uses the board at: a 13" laptop, a 14" one, a desktop screen. */
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

/** A path as long as a real user's worktree folder, to be shown whole in the settings. */
const LONG_PATH = '/home/someone-with-a-long-name/projects/switchyard/worktree-folders';

/** What one control measures: its label's width against the room it has, and whether it is on top where it is drawn. */
interface ControlMeasure {
  name: string;
  labelWidth: number;
  room: number;
  scrollWidth: number;
  clientWidth: number;
  inViewport: boolean;
  onTop: boolean;
}

/**
 * Measures every control of the board's header and the view tabs: the width of its label (its
 * text, the chosen option, a field's placeholder) in its own font, the room its box leaves for it,
 * whether its content overflows, and whether it is inside the window and not covered at its centre.
 */
function measureControls(page: Page): Promise<ControlMeasure[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    const controls = [...document.querySelectorAll<HTMLElement>('.board-header button, .board-header input, .board-header select, nav.views button')];
    return controls.map((el) => {
      const style = getComputedStyle(el);
      canvas.font = style.font;
      const label =
        el instanceof HTMLSelectElement
          ? (el.selectedOptions[0]?.text ?? '')
          : el instanceof HTMLInputElement
            ? el.value || el.placeholder
            : el.innerText;
      const box = el.getBoundingClientRect();
      // A select draws its arrow inside its content box.
      const arrow = el instanceof HTMLSelectElement ? 16 : 0;
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return {
        name: el.getAttribute('aria-label') ?? label,
        labelWidth: canvas.measureText(label).width,
        room: box.width - ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth'].reduce((sum, side) => sum + parseFloat(style.getPropertyValue(side.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))), 0) - arrow,
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
        inViewport: box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight,
        onTop: hit !== null && (hit === el || el.contains(hit)),
      };
    });
  });
}

/** Each column header scrolled into view within the board: where it then is, and whether it is whole, inside the board and on top. */
function reachColumnHeaders(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.board .column-title')].map((title) => {
      title.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const board = document.querySelector('.board')!.getBoundingClientRect();
      const box = title.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return {
        name: title.firstChild?.textContent?.trim() ?? '',
        width: Math.round(box.width),
        insideBoard: box.left >= board.left - 1 && box.right <= board.right + 1 && box.top >= board.top - 1 && box.bottom <= board.bottom + 1,
        inViewport: box.left >= 0 && box.right <= innerWidth && box.bottom <= innerHeight,
        onTop: hit !== null && title.contains(hit),
      };
    }),
  );
}

describe('the board at laptop and desktop sizes', () => {
  it('shows every header control with its whole label and brings every column header into view, at 1280, 1440 and 1920 px', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    for (const status of ['backlog', 'ready', 'review', 'done'] as const)
      core.tasks.create({ projectId: project.id, title: `A ${status} task whose title takes two lines`, prompt: '', status, priority: 'normal', phase: 'Phase one' });
    core.settings.set('worktrees.root', LONG_PATH, 'user');
    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    try {
      const browser = await launchBrowser();
      for (const viewport of VIEWPORTS) {
        const page = await browser.newPage({ viewport });
        await page.goto(server.loginUrl);
        await page.getByRole('region', { name: 'Failed' }).waitFor();
        // The run control appears once the scheduler answers: every control is there to measure.
        await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
        // With a status filter on, the header holds one more control: "show all".
        await page.getByRole('group', { name: 'Tasks by status' }).getByRole('button', { name: '1 ready' }).click();
        await page.getByRole('button', { name: 'show all' }).waitFor();

        const controls = await measureControls(page);
        expect(controls.map((c) => c.name)).toEqual(expect.arrayContaining(['Search tasks', 'Filter by agent', 'Filter by phase', 'show all', 'New task', 'Import plan', 'Worktrees', 'Remove project', 'Run']));
        for (const control of controls) {
          const where = `${control.name} at ${viewport.width}×${viewport.height}`;
          expect(control.scrollWidth, where).toBeLessThanOrEqual(control.clientWidth);
          // Half a pixel for the text's subpixel layout.
          expect(control.labelWidth, where).toBeLessThanOrEqual(control.room + 0.5);
          expect(control.inViewport, where).toBe(true);
          expect(control.onTop, where).toBe(true);
        }

        await page.getByRole('button', { name: 'show all' }).click();
        const headers = await reachColumnHeaders(page);
        expect(headers.map((h) => h.name)).toEqual(['Backlog', 'Ready', 'Running', 'Needs input', 'Review', 'Done', 'Failed']);
        for (const header of headers) {
          const where = `${header.name} at ${viewport.width}×${viewport.height}`;
          expect(header.insideBoard, where).toBe(true);
          expect(header.inViewport, where).toBe(true);
          expect(header.onTop, where).toBe(true);
        }

        // On a desktop screen every column fits side by side: the board needs no scrolling.
        if (viewport.width === 1920) expect(await page.locator('.board').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

        if (viewport.width === 1280) {
          // Columns fold into narrow strips, which stay reachable and whole, and stay folded after a reload.
          const width = (name: string) => page.getByRole('region', { name, exact: true }).evaluate((el) => el.getBoundingClientRect().width);
          const before = await page.locator('.board').evaluate((el) => el.scrollWidth);
          await page.getByRole('button', { name: 'Collapse Backlog' }).click();
          await page.getByRole('button', { name: 'Collapse Done' }).click();
          await expect.poll(() => width('Done')).toBeLessThanOrEqual(48);
          expect(await width('Backlog')).toBeLessThanOrEqual(48);
          expect(await page.locator('.board').evaluate((el) => el.scrollWidth)).toBeLessThan(before - 300);
          await page.reload();
          await page.getByRole('button', { name: 'Expand Done' }).waitFor();
          for (const header of await reachColumnHeaders(page)) {
            expect(header.insideBoard && header.inViewport && header.onTop, `${header.name}, folded or not`).toBe(true);
          }
          expect(await page.getByRole('region', { name: 'Done', exact: true }).locator('.card').count()).toBe(0);
          await page.getByRole('button', { name: 'Expand Done' }).click();
          await expect.poll(() => width('Done')).toBeGreaterThanOrEqual(216);
          await page.getByRole('region', { name: 'Done', exact: true }).locator('.card').waitFor();

          await page.getByRole('button', { name: 'Settings' }).click();
          const field = page.getByLabel('Worktree folder (yours)');
          await expect.poll(() => field.inputValue()).toBe(LONG_PATH);
          // The field wraps the path and grows with it: nothing of it is scrolled away, across or down.
          const [scrollWidth, clientWidth, scrollHeight, clientHeight] = await field.evaluate((el) => [el.scrollWidth, el.clientWidth, el.scrollHeight, el.clientHeight]);
          expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
          expect(scrollHeight).toBeLessThanOrEqual(clientHeight);
          // The value in effect is shown whole too: wrapped inside its cell, never cut.
          const shown = page.locator('tr[data-setting="worktrees.root"] td:nth-child(2)');
          expect(await shown.locator('code').textContent()).toBe(LONG_PATH);
          const [cellScroll, cellClient] = await shown.evaluate((el) => [el.scrollWidth, el.clientWidth]);
          expect(cellScroll).toBeLessThanOrEqual(cellClient);
        }
        await page.close();
      }
    } finally {
      await server.close();
    }
  }, 120_000);
});
