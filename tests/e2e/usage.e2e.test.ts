import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

const SLOW = { timeout: 60_000 };

/** The per-task chart's bar colour (SERIES_COLOURS[0], #5b8def) as the canvas holds it. */
const BAR = [0x5b, 0x8d, 0xef];

describe('the Usage page', () => {
  it('shows one bar per task of a run, with each task’s tokens, cost and time beside it, and the tokens on each card', async () => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
    installFakeClaude(50);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('policy.preset', 'all', 'project', project.id);
    const a = core.tasks.create({ projectId: project.id, title: 'Notes A', prompt: 'Add a line for A' });
    const b = core.tasks.create({ projectId: project.id, title: 'Notes B', prompt: 'Add a line for B' });
    core.scheduler.run(project.id);
    await waitFor('both in review', () => [a, b].every((t) => core.tasks.get(t.id).status === 'review'), 90_000);
    const report = core.usage.report({ projectId: project.id });

    const server = await startServer({ core, staticDir: join(appRoot(), 'dist', 'renderer'), port: 0 });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
      await page.goto(server.loginUrl);
      // Each card carries its task's tokens and cost: 53,080 tokens, $0.0669.
      await expect.poll(() => page.locator(`[data-usage="${a.id}"]`).textContent(), SLOW).toBe('53k tok · $0.07');

      await page.getByRole('button', { name: 'Usage', exact: true }).click();
      const table = page.getByRole('table', { name: 'Usage per task' });
      await expect.poll(() => table.locator('tbody tr').count(), SLOW).toBe(2);
      for (const task of report.tasks) {
        const row = table.locator(`tr[data-task-id="${task.taskId}"]`);
        const cells = await row.locator('td').allTextContents();
        expect(cells.slice(2, 7)).toEqual([String(task.tokens!.input), String(task.tokens!.output), String(task.tokens!.cacheWrite), String(task.tokens!.cacheRead), '$0.07']);
      }
      await expect.poll(() => page.getByTestId('usage-totals').textContent(), SLOW).toMatch(/^106k tokens \(input 4\.8k, output 1\.4k, cache write 20k, cache read 80k\) · \$0\.13 · working/);

      // The per-task chart: as many bars of its colour along a line near its floor as there are tasks.
      const chart = page.getByRole('img', { name: 'tokens per task' });
      await expect.poll(() => chart.getAttribute('data-bars'), SLOW).toBe('2');
      const bars = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement, colour: number[]) => {
        const context = canvas.getContext('2d')!;
        const { width, height } = canvas;
        const y = Math.floor(height * 0.7);
        const row = context.getImageData(0, y, width, 1).data;
        let runs = 0;
        let inside = false;
        for (let x = 0; x < width; x++) {
          const [r, g, b] = [row[x * 4]!, row[x * 4 + 1]!, row[x * 4 + 2]!];
          const match = Math.abs(r - colour[0]!) < 24 && Math.abs(g - colour[1]!) < 24 && Math.abs(b - colour[2]!) < 24;
          if (match && !inside) runs++;
          inside = match;
        }
        return runs;
      }, BAR);
      expect(bars).toBe(2);
      // The prices are shown with where they come from.
      await expect.poll(() => page.getByRole('region', { name: 'Prices' }).textContent(), SLOW).toContain('platform.claude.com');
    } finally {
      await browser.close();
      await server.close();
    }
  }, 180_000);
});
