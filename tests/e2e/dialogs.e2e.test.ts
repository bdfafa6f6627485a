import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { servedWithProject } from './harness';

// The machine runs many browsers at once: a poll waits as long as the other e2e tests' do.
const SLOW = { timeout: 30_000 };
const isFocused = (element: Locator) => element.evaluate((el) => el === document.activeElement);
const holdsFocus = (dialog: Locator) =>
  dialog.evaluate((el) => document.activeElement !== document.body && el.contains(document.activeElement));

/** Tabs forward and back through `dialog` and says where focus went whenever it left. */
async function tabAround(page: Page, dialog: Locator, name: string) {
  await expect.poll(() => holdsFocus(dialog), { ...SLOW, message: `${name}: focus moved into it on open` }).toBe(true);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 1; i <= 20; i++) {
      await page.keyboard.press(key);
      const where = await dialog.evaluate((el) =>
        document.activeElement !== document.body && el.contains(document.activeElement) ? 'inside' : (document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'),
      );
      expect(where, `${name}: where focus is after ${key} ×${i}`).toBe('inside');
    }
  }
}

/**
 * Opens a dialog from `opener` (Enter on a button; a click on a card, whose Enter and Space pick
 * it up to move it), tabs around it, closes it with Escape.
 */
async function checkDialog(page: Page, opener: Locator, dialogName: string | RegExp, open: 'Enter' | 'click' = 'Enter') {
  if (open === 'click') await opener.click();
  else {
    await opener.focus();
    await page.keyboard.press('Enter');
  }
  const dialog = page.getByRole('dialog', { name: dialogName });
  await dialog.waitFor();
  await tabAround(page, dialog, String(dialogName));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => isFocused(opener), { ...SLOW, message: `${String(dialogName)}: focus back on its opener after Escape` }).toBe(true);
}

describe('dialogs hold and return focus', () => {
  it('new task, edit task, review, settings and plan import keep Tab inside, close on Escape and give focus back', async () => {
    const { page } = await servedWithProject({ width: 1440, height: 900 });
    const newTask = page.getByRole('button', { name: 'New task' });
    await newTask.waitFor();

    await checkDialog(page, newTask, 'New task');
    await checkDialog(page, page.getByRole('button', { name: 'Settings' }), 'Settings');
    await checkDialog(page, page.getByRole('button', { name: 'Import plan' }), 'Import a plan');

    await newTask.click();
    const creating = page.getByRole('dialog', { name: 'New task' });
    await creating.getByLabel('Title').fill('Hold the focus');
    await creating.getByRole('button', { name: 'Create task' }).click();
    await creating.waitFor({ state: 'detached' });
    const card = page.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Hold the focus/ });
    await expect.poll(() => isFocused(card), { ...SLOW, message: 'the new card has focus after Create' }).toBe(true);

    await checkDialog(page, card, 'Edit task', 'click');

    // The review opens from the editor; closing it returns to the editor, and closing that to the card.
    await card.click();
    const editor = page.getByRole('dialog', { name: 'Edit task' });
    const review = editor.getByRole('button', { name: 'Worktree & review' });
    await review.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Worktree of Hold the focus' });
    await panel.waitFor();
    await tabAround(page, panel, 'review');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => holdsFocus(editor), { ...SLOW, message: 'focus back in the editor after the review closes' }).toBe(true);
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(card), { ...SLOW, message: 'focus back on the card after the editor closes' }).toBe(true);
  }, 120_000);

  it('the command palette opened over a dialog takes the keyboard, and Escape closes only the palette', async () => {
    const { page } = await servedWithProject({ width: 1280, height: 800 });
    const newTask = page.getByRole('button', { name: 'New task' });
    await newTask.click();
    const editor = page.getByRole('dialog', { name: 'New task' });
    const title = editor.getByLabel('Title');
    await expect.poll(() => isFocused(title), { ...SLOW, message: 'the editor focuses its title' }).toBe(true);

    // Before, the editor pulled focus back from the palette's field, so what was typed went nowhere.
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const field = palette.getByRole('combobox', { name: 'Command' });
    await expect.poll(() => isFocused(field), { ...SLOW, message: 'the palette field has focus over the editor' }).toBe(true);
    await page.keyboard.type('import');
    expect(await field.inputValue()).toBe('import');
    await tabAround(page, palette, 'palette over the editor');

    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    expect(await editor.isVisible(), 'the editor is still open after one Escape').toBe(true);
    await expect.poll(() => isFocused(title), { ...SLOW, message: 'focus back on the title after the palette closes' }).toBe(true);
    expect(await title.inputValue(), 'nothing typed into the palette reached the editor').toBe('');
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => isFocused(newTask), SLOW).toBe(true);
  }, 120_000);
});
