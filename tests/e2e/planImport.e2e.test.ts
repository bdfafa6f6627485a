import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { servedWithProject } from './harness';

// Many browsers run at once on two cores: polls and the test get the other e2e tests' budgets.
const SLOW = { timeout: 30_000 };

const root = join(import.meta.dirname, '..', '..');
const plans = [join(root, '..', 'shared', 'plans'), '/work/shared/plans'].find((dir) => existsSync(dir))!;
const phased = join(plans, '000_b2d475505025903d.txt');
const checklist = join(plans, '003_22bfff5976980d4b.txt');

/**
 * Where the preview's cells break its grid: a cell outside its header's column or its row's
 * height, two cells of one row (or two header cells) that intersect, a row with a cell missing.
 * Empty when every cell of every row shown keeps to its place.
 */
function gridFaults(dialog: Locator): Promise<string[]> {
  return dialog.evaluate((root) => {
    // Half a pixel for subpixel layout.
    const SLACK = 0.5;
    const faults: string[] = [];
    const intersect = (a: DOMRect, b: DOMRect) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > SLACK && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > SLACK;
    const head = [...root.querySelectorAll('.plan-head > *')].map((cell) => ({ name: cell.textContent ?? '', box: cell.getBoundingClientRect() }));
    head.forEach((a, i) => head.slice(i + 1).forEach((b) => intersect(a.box, b.box) && faults.push(`header ${a.name} meets ${b.name}`)));
    const rows = [...root.querySelectorAll<HTMLElement>('.plan-row[data-key]')];
    if (rows.length === 0) faults.push('no rows');
    for (const row of rows) {
      const key = row.dataset.key!;
      const rowBox = row.getBoundingClientRect();
      const cells = [...row.children].map((cell) => cell.getBoundingClientRect());
      if (cells.length !== head.length) faults.push(`${key}: ${cells.length} cells for ${head.length} columns`);
      cells.forEach((cell, i) => {
        const column = head[i];
        if (!column) return;
        if (cell.left < column.box.left - SLACK || cell.right > column.box.right + SLACK) {
          faults.push(`${key}: ${column.name} cell spans ${cell.left}–${cell.right}, its column ${column.box.left}–${column.box.right}`);
        }
        if (cell.top < rowBox.top - SLACK || cell.bottom > rowBox.bottom + SLACK) {
          faults.push(`${key}: ${column.name} cell spans ${cell.top}–${cell.bottom}, its row ${rowBox.top}–${rowBox.bottom}`);
        }
        cells.slice(i + 1).forEach((other, j) => intersect(cell, other) && faults.push(`${key}: ${column.name} meets ${head[i + 1 + j]?.name}`));
      });
    }
    // Text cut to fit says its whole self on hover.
    for (const cell of root.querySelectorAll<HTMLElement>('.plan-row[data-key] > code, .plan-row[data-key] > span:not(.plan-agent)')) {
      const cut = cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1;
      if (cut && cell.title !== cell.textContent) faults.push(`${cell.textContent}: cut with no title`);
    }
    return faults;
  });
}

interface DroppedFile {
  name: string;
  type: string;
  /** The file's text, else `size` zero bytes. */
  text?: string;
  size?: number;
}

/** Drags files over the element, as a file manager would; `whileOver` runs before they are let go. */
async function dropFiles(page: Page, target: Locator, files: DroppedFile[], whileOver?: () => Promise<void>) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([f.text ?? new Uint8Array(f.size ?? 0)], f.name, { type: f.type }));
    return transfer;
  }, files);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await whileOver?.();
  await target.dispatchEvent('drop', { dataTransfer });
}

describe('plan import: paste, drop, a grid that holds', () => {
  it('previews a pasted plan and a dropped one alike, refuses what is no plan, keeps every cell in its column at 1280, 1440 and 1920 px, imports onto the board', async () => {
    const { page, served } = await servedWithProject({ width: 1280, height: 800 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.url });

    // Paste: the dialog opens in its paste box, and Ctrl+V there previews the plan at once.
    await page.getByRole('button', { name: 'Import plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a plan' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), SLOW).toBe('Plan text');
    await page.evaluate((text) => navigator.clipboard.writeText(text), readFileSync(checklist, 'utf8'));
    await page.keyboard.press('Control+V');
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/^Pasted plan|\d+ of \d+ tasks/);
    const pastedSummary = (await dialog.locator('.plan-summary').textContent())!;
    expect(pastedSummary).toMatch(/(\d+) of \1 tasks · \d+ dependencies · 6 phases/);
    expect(await dialog.locator('.plan-format').getAttribute('data-format')).toBe('markdown');
    expect(await dialog.locator('.plan-row[data-key]').count()).toBeGreaterThan(5);
    expect(await gridFaults(dialog)).toEqual([]);

    // Drop: what is no plan is refused in words, before anything is read; the plan before it stays.
    await dropFiles(page, dialog, [{ name: 'screenshot.png', type: 'image/png', size: 64 }]);
    await expect.poll(() => dialog.getByRole('alert').textContent(), SLOW).toMatch(/BAD_PLAN.*screenshot\.png is not a text file \(image\/png\)/);
    await dropFiles(page, dialog, [{ name: 'huge.md', type: 'text/markdown', size: 5 * 1024 * 1024 }]);
    await expect.poll(() => dialog.getByRole('alert').textContent(), SLOW).toMatch(/BAD_PLAN.*huge\.md is 5\.0 MB; a plan may be at most 4\.0 MB/);
    expect(await dialog.locator('.plan-summary').textContent()).toBe(pastedSummary);

    // A dropped plan file is previewed as a picked one is: its phases, edges and unknown assignees.
    // Dragged over the dialog, the dialog says it takes the file, not the board below it.
    await dropFiles(page, dialog, [{ name: 'phased.txt', type: 'text/plain', text: readFileSync(phased, 'utf8') }], async () => {
      await expect.poll(() => dialog.evaluate((el) => el.classList.contains('dropping')), SLOW).toBe(true);
      expect(await page.locator('.board-area.dropping').count()).toBe(0);
    });
    await expect.poll(() => dialog.evaluate((el) => el.classList.contains('dropping')), SLOW).toBe(false);
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/15 of 15 tasks · 46 dependencies · \d+ phases/);
    await expect.poll(() => dialog.getByRole('alert').count(), SLOW).toBe(0);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1440, height: 900 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(viewport);
      await expect.poll(() => gridFaults(dialog), SLOW).toEqual([]);
    }

    await dialog.getByRole('button', { name: 'Import 15 tasks' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent(), SLOW).toMatch(/15 new/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const total = async () => (await page.locator('.column .count').allTextContents()).reduce((sum, n) => sum + Number(n), 0);
    await expect.poll(total, SLOW).toBe(15);

    // A plan file dropped on the board opens the dialog with its preview.
    await dropFiles(page, page.locator('.board-area'), [{ name: 'checklist.md', type: 'text/markdown', text: readFileSync(checklist, 'utf8') }]);
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toBe(pastedSummary);
  }, 120_000);

  it('says which file it took when several are dropped at once, on the dialog and on the board', async () => {
    const { page } = await servedWithProject({ width: 1280, height: 800 });
    const files = [
      { name: 'phased.txt', type: 'text/plain', text: readFileSync(phased, 'utf8') },
      { name: 'checklist.md', type: 'text/markdown', text: readFileSync(checklist, 'utf8') },
      { name: 'notes.md', type: 'text/markdown', text: '# Notes\n' },
    ];
    const dialog = page.getByRole('dialog', { name: 'Import a plan' });

    await page.getByRole('button', { name: 'Import plan' }).click();
    await dropFiles(page, dialog, files);
    await expect
      .poll(() => dialog.getByRole('status').textContent(), SLOW)
      .toBe('3 files at once: one plan is imported at a time, so this is phased.txt; left out: checklist.md, notes.md.');
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/15 of 15 tasks/);
    // One file dropped next: the note about the several goes.
    await dropFiles(page, dialog, [files[0]!]);
    await expect.poll(() => dialog.getByRole('status').count(), SLOW).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Dropped on the board, the dialog opens with the first and says so.
    await dropFiles(page, page.locator('.board-area'), files.slice(1));
    await expect.poll(() => dialog.getByRole('status').textContent(), SLOW).toBe('2 files at once: one plan is imported at a time, so this is checklist.md; left out: notes.md.');
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/6 phases/);
  }, 120_000);

  it('previews text typed or pasted outside the box, shows no field of the plan before, and says an empty paste is no plan', async () => {
    const { page } = await servedWithProject({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Import plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a plan' });

    const preview = dialog.getByRole('button', { name: 'Preview text' });
    expect(await preview.isDisabled()).toBe(true);
    await dialog.getByLabel('Plan text').fill('   \n  ');
    expect(await preview.isDisabled()).toBe(true);
    await dialog.getByLabel('Plan text').fill('# Release\n\n- [ ] T1: Changelog\n- [ ] T2: Notes\n- [ ] T3: Tag (depends on T1)\n');
    await preview.click();
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/Release.*3 of 3 tasks · 1 dependencies/);
    const dependencies = dialog.getByLabel('Dependencies of T3');
    expect(await dependencies.inputValue()).toBe('T1');

    // Another plan with the same keys dropped over it shows its own dependencies, not the last one's.
    const text = '# Release again\n\n- [ ] T1: Changelog\n- [ ] T2: Notes\n- [ ] T3: Tag (depends on T2)\n';
    await dropFiles(page, dialog, [{ name: 'again.md', type: 'text/markdown', text }]);
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/Release again/);
    expect(await dependencies.inputValue()).toBe('T2');

    // A paste on the dialog itself (focus on the file button, not in a text field) is a plan too.
    await dialog.getByRole('button', { name: 'Another plan' }).click();
    await dialog.getByLabel('Plan file').focus();
    const paste = (text: string) =>
      dialog.evaluate((el, t) => {
        const data = new DataTransfer();
        data.setData('text/plain', t);
        document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        return el.contains(document.activeElement);
      }, text);
    expect(await paste('  \n')).toBe(true);
    await expect.poll(() => dialog.getByRole('alert').textContent(), SLOW).toMatch(/BAD_PLAN.*The pasted plan is empty/);
    expect(await paste('# Chores\n\n- [ ] Sweep\n- [ ] Mop\n- [ ] Dust\n')).toBe(true);
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/Chores.*3 of 3 tasks/);

    // Text dragged from another window and dropped on the dialog is a plan as well.
    await dialog.getByRole('button', { name: 'Another plan' }).click();
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.setData('text/plain', '# Errands\n\n- [ ] Post\n- [ ] Bank\n');
      return data;
    });
    await dialog.locator('.dropzone').dispatchEvent('drop', { dataTransfer });
    await expect.poll(() => dialog.locator('.plan-summary').textContent(), SLOW).toMatch(/Errands.*2 of 2 tasks/);
  }, 120_000);
});
