import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { DialogDidNotOpen, launchBrowser, openDialog, servedWithProject, startServe } from './harness';

// Many browsers run at once on two cores: polls and the test get the other e2e tests' budgets.
const SLOW = { timeout: 30_000 };

const root = join(import.meta.dirname, '..', '..');
const plans = [join(root, '..', 'shared', 'plans'), '/work/shared/plans'].find((dir) => existsSync(dir))!;
const phased = join(plans, '000_b2d475505025903d.txt');

describe('plan import in browser mode', () => {
  it('previews a real plan with its phases, edges and unknown assignees, fixes a task, imports it onto the board', async () => {
    const { page } = await servedWithProject({ width: 1500, height: 900 });

    const dialog = await openDialog(page, page.getByRole('button', { name: 'Import plan' }), 'Import a plan');
    await dialog.getByLabel('Plan file').setInputFiles(phased);
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/15 of 15 tasks · 46 dependencies · \d+ phases/);
    // Cursor is no agent kind Switchyard runs: it is kept as text and said so.
    await dialog.getByText(/not understood or were guessed/).click();
    await expect.poll(() => dialog.locator('.plan-warnings').textContent(), SLOW).toMatch(/Cursor/);

    // Leave one task out and rename another before importing.
    const rows = dialog.locator('.plan-row[data-key]');
    const firstKey = await rows.first().getAttribute('data-key');
    const secondKey = await rows.nth(1).getAttribute('data-key');
    await dialog.getByLabel(`Import ${firstKey}`).uncheck();
    await dialog.getByLabel(`Title of ${secondKey}`).fill('Renamed in the preview');
    await dialog.getByRole('button', { name: 'Import 14 tasks' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), SLOW).toMatch(/14 new/);
    await dialog.getByRole('button', { name: 'Close' }).click();

    const total = async () =>
      (await page.locator('.column .count').allTextContents()).reduce((sum, n) => sum + Number(n), 0);
    await expect.poll(total, SLOW).toBe(14);
    // Cards say what they wait for; the graph draws every task and edge, the critical path marked.
    await expect.poll(() => page.locator('.chip.waits').count(), SLOW).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Graph' }).click();
    const graph = page.getByLabel('Dependency graph');
    await expect.poll(() => graph.locator('.react-flow__node').count(), SLOW).toBe(14);
    await expect.poll(() => graph.locator('.react-flow__edge').count(), SLOW).toBeGreaterThan(20);
    await expect.poll(() => graph.locator('.react-flow__node.critical').count(), SLOW).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Graph' }).click();

    await page.getByLabel('Search tasks').fill('Renamed in the preview');
    await expect.poll(() => page.locator('.card-title').allTextContents(), SLOW).toEqual(['Renamed in the preview']);
  }, 120_000);

  it('says at once that the import dialog could not open when its code cannot be fetched, and why', async () => {
    const { page } = await servedWithProject({ width: 1500, height: 900 });
    await page.route('**/assets/PlanImportDialog-*.js', (route) => route.abort('connectionrefused'));
    const started = Date.now();
    const opened = openDialog(page, page.getByRole('button', { name: 'Import plan' }), 'Import a plan');
    await expect(opened).rejects.toThrow(DialogDidNotOpen);
    await expect(opened).rejects.toThrow(/its code could not load; alerts: \["Could not load [^"]*PlanImportDialog/);
    // Told by the page's own alert, not found out by waiting the whole step out.
    expect(Date.now() - started).toBeLessThan(SLOW.timeout);
  }, 120_000);

  it('keeps Import plan where it first showed while the new project’s board loads, so a click aimed at it does not land on another control', async () => {
    const served = await startServe(tempDir('switchyard-e2e-'));
    const page = await (await launchBrowser()).newPage({ viewport: { width: 1500, height: 900 } });
    // Every frame from the first one on, where the button is (once it is there).
    await page.addInitScript(() => {
      const places: string[] = [];
      Object.assign(window, { importPlanPlaces: places });
      const frame = () => {
        const button = document.querySelector('[data-command="import-plan"]');
        if (button) {
          const box = button.getBoundingClientRect();
          const place = `${Math.round(box.x)},${Math.round(box.y)}`;
          if (places.at(-1) !== place) places.push(place);
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await page.goto(served.loginUrl);
    await page.getByLabel('Add a repository').fill(makeRepo());
    await page.getByRole('button', { name: 'Add project' }).click();
    // Settled: the run's status is in (its button enabled).
    await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).isEnabled(), SLOW).toBe(true);
    const places = await page.evaluate(() => (window as unknown as { importPlanPlaces: string[] }).importPlanPlaces);
    expect(places, 'where Import plan was, frame by frame, while the board loaded').toHaveLength(1);
  }, 120_000);
});
