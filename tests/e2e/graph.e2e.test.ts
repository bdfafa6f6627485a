import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import type { PlanImportResult, Task, TaskGraph } from '../../shared/contract';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser, startServe } from './harness';

const root = join(import.meta.dirname, '..', '..');
const plans = [join(root, '..', 'shared', 'plans'), '/work/shared/plans'].find((dir) => existsSync(dir))!;
/** Both real plans in one project: 15 phased tasks with 46 dependencies and 32 checkbox tasks. */
const PLAN_FILES = ['000_b2d475505025903d.txt', '003_22bfff5976980d4b.txt'];
// Many browsers run at once on two cores: a poll waits as long as the other e2e tests' do.
const SLOW = { timeout: 30_000 };

async function call<T>(core: ReturnType<typeof createCore>, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} ${JSON.stringify(input)} failed: ${JSON.stringify(result.error)}`);
  return result.output as T;
}

/** Imports the real plans through the core on the data directory serve will open, then lets go of it. */
async function importPlans(dataDir: string) {
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  try {
    const project = await call<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    for (const file of PLAN_FILES) await call<PlanImportResult>(core, 'plans.import', { projectId: project.id, path: join(plans, file) });
    const tasks = await call<Task[]>(core, 'tasks.list', { projectId: project.id });
    const graph = await call<TaskGraph>(core, 'tasks.graph', { projectId: project.id });
    return { tasks, graph };
  } finally {
    await core.dispose();
  }
}

/** The graph's pan and zoom, read from the transform xyflow puts on its viewport. */
async function transform(page: Page) {
  const style = await page.locator('.react-flow__viewport').getAttribute('style');
  const match = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(style ?? '');
  if (!match) throw new Error(`no transform on the graph viewport: ${style}`);
  return { x: Number(match[1]), y: Number(match[2]), zoom: Number(match[3]) };
}

describe('dependency graph in browser mode', () => {
  it('opens a real plan of 47 tasks readable at the critical path, pans, zooms, highlights the core’s critical path', async () => {
    const dataDir = tempDir('switchyard-e2e-');
    const { tasks, graph } = await importPlans(dataDir);
    expect(tasks.length).toBeGreaterThanOrEqual(30);
    const path = graph.criticalPath.taskIds;
    expect(path.length).toBeGreaterThan(1);

    const served = await startServe(dataDir);
    const page = await (await launchBrowser()).newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.loginUrl);
    await page.getByRole('button', { name: 'Graph' }).click();
    const view = page.getByLabel('Dependency graph');
    await expect.poll(() => view.locator('.react-flow__node').count(), SLOW).toBe(tasks.length);
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeGreaterThan(0);

    // Readable as it opens: the title's font size times the zoom, and the status line's, on screen.
    const opened = await transform(page);
    const titlePx = Number.parseFloat(await view.locator('.graph-node-title').first().evaluate((el) => getComputedStyle(el).fontSize));
    const statusPx = Number.parseFloat(await view.locator('.graph-node-status').first().evaluate((el) => getComputedStyle(el).fontSize));
    expect(titlePx * opened.zoom).toBeGreaterThanOrEqual(11);
    expect(statusPx * opened.zoom).toBeGreaterThanOrEqual(11);
    // The whole plan would not fit at that size: it opens at the first task of the critical path, in view.
    const pane = (await view.locator('.react-flow__renderer').boundingBox())!;
    const start = (await view.locator(`.react-flow__node[data-id="${path[0]}"]`).boundingBox())!;
    expect(start.x).toBeGreaterThanOrEqual(pane.x);
    expect(start.x + start.width).toBeLessThanOrEqual(pane.x + pane.width);
    expect(start.y).toBeGreaterThanOrEqual(pane.y);
    expect(start.y + start.height).toBeLessThanOrEqual(pane.y + pane.height);
    // The rendered title really is that tall on screen, not only declared so.
    const titleBox = (await view.locator(`.react-flow__node[data-id="${path[0]}"] .graph-node-title`).boundingBox())!;
    expect(titleBox.height).toBeGreaterThanOrEqual(11);

    // The highlight marks exactly the core's critical path: its tasks and the edges between them.
    const criticalNodes = await view.locator('.react-flow__node.critical').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    expect(new Set(criticalNodes)).toEqual(new Set(path));
    const criticalEdges = await view.locator('.react-flow__edge.critical').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    expect(new Set(criticalEdges)).toEqual(new Set(path.slice(1).map((id, i) => `${path[i]}->${id}`)));
    const stroke = await view.locator('.react-flow__edge.critical path.react-flow__edge-path').first().evaluate((el) => getComputedStyle(el).strokeWidth);
    const plainStroke = await view.locator('.react-flow__edge:not(.critical) path.react-flow__edge-path').first().evaluate((el) => getComputedStyle(el).strokeWidth);
    expect(Number.parseFloat(stroke)).toBeGreaterThan(Number.parseFloat(plainStroke));
    await expect.poll(() => view.locator('.graph-legend').textContent(), SLOW).toMatch(new RegExp(`critical path: ${path.length} tasks`));
    // Status colours: each node carries its task's status; a minimap shows the large plan.
    const statuses = await view.locator('.react-flow__node').evaluateAll((els) => els.map((el) => [el.getAttribute('data-id'), /status-(\w+)/.exec(el.className)?.[1]]));
    expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(tasks.map((t) => [t.id, t.status])));
    await expect.poll(() => view.locator('.react-flow__minimap').isVisible(), SLOW).toBe(true);
    await expect.poll(() => view.locator('.react-flow__minimap .react-flow__minimap-node').count(), { timeout: 30_000, message: 'one shape per task in the minimap' }).toBe(tasks.length);

    // Zoom: the control's +, then the keyboard's − and ctrl+wheel, each change the transform.
    await view.locator('.react-flow__controls-zoomin').click();
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeGreaterThan(opened.zoom);
    const zoomedIn = await transform(page);
    await view.focus();
    await page.keyboard.press('-');
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeLessThan(zoomedIn.zoom);
    const beforeWheel = await transform(page);
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, 300);
    await page.keyboard.up('Control');
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeLessThan(beforeWheel.zoom);

    // Drag on an empty spot of the pane pans the graph.
    const spot = await page.evaluate(({ x, y, width, height }) => {
      for (let dy = 40; dy < height - 40; dy += 20)
        for (let dx = 40; dx < width - 40; dx += 20) {
          const el = document.elementFromPoint(x + dx, y + dy);
          if (el?.classList.contains('react-flow__pane')) return { x: x + dx, y: y + dy };
        }
      return null;
    }, pane);
    if (!spot) throw new Error('no empty spot on the graph pane to drag from');
    const beforeDrag = await transform(page);
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.down();
    await page.mouse.move(spot.x - 150, spot.y - 60, { steps: 8 });
    await page.mouse.up();
    const dragged = await transform(page);
    expect(dragged.x).toBeCloseTo(beforeDrag.x - 150, 0);
    expect(dragged.y).toBeCloseTo(beforeDrag.y - 60, 0);
    expect(dragged.zoom).toBe(beforeDrag.zoom);
    // A scroll without Ctrl pans too.
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.wheel(0, 200);
    await expect.poll(async () => (await transform(page)).y, SLOW).toBeLessThan(dragged.y);

    // 0 fits the whole plan (smaller than readable here); 1 comes back to the readable opening view.
    await view.focus();
    await page.keyboard.press('0');
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeLessThan(opened.zoom);
    await page.keyboard.press('1');
    await expect.poll(async () => (await transform(page)).zoom, SLOW).toBeCloseTo(opened.zoom, 3);
    // The last key wins: a 1 pressed right after 0, before the fit has run its course, ends at 1's
    // view once the view has settled (two reads alike), not at the fit.
    await page.keyboard.press('0');
    await page.keyboard.press('1');
    let lastZoom = Number.NaN;
    await expect
      .poll(async () => {
        const { zoom } = await transform(page);
        const settled = zoom === lastZoom ? zoom : Number.NaN;
        lastZoom = zoom;
        return settled;
      }, SLOW)
      .toBeCloseTo(opened.zoom, 3);

    // A click on a task opens it.
    const first = tasks.find((t) => t.id === path[0])!;
    await view.locator(`.react-flow__node[data-id="${path[0]}"]`).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await expect.poll(() => dialog.getByLabel('Title').inputValue(), SLOW).toBe(first.title);
  }, 120_000);
});
