import { describe, expect, it } from 'vitest';
import { servedWithProject } from './harness';

describe('settings in browser mode', () => {
  it('shows each value with where it comes from, per user and per project, and refuses a bad one', async () => {
    const { page } = await servedWithProject();
    await page.getByRole('button', { name: 'New task' }).waitFor();

    await page.getByRole('button', { name: 'Settings' }).click();
    const row = page.locator('tr[data-setting="scheduler.maxConcurrent"]');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('4default');

    await row.getByLabel('Agents at once (yours)').fill('6');
    await row.getByLabel('Agents at once (yours)').press('Enter');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('6your setting');

    await row.getByLabel('Agents at once (this project)').fill('2');
    await row.getByLabel('Agents at once (this project)').press('Enter');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('2this project');

    // Zero agents at once is not a setting: the error is shown with its code and nothing changes.
    await row.getByLabel('Agents at once (yours)').fill('0');
    await row.getByLabel('Agents at once (yours)').press('Enter');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('BAD_INPUT');

    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('2this project');
    await expect.poll(() => row.getByLabel('Agents at once (yours)').inputValue()).toBe('6');

    await row.getByRole('button', { name: 'reset' }).last().click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('6your setting');
  }, 120_000);

  it('tabbing through every field of the settings pages stores nothing', async () => {
    const { page } = await servedWithProject({ width: 1600, height: 900 });
    await page.getByRole('button', { name: 'New task' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const pages = ['General', 'Agents', 'Usage', 'Cache'];
    const fields = dialog.locator('.settings-table input, .settings-table select');

    // Tried: each field focused in turn and left with Tab, per user and per project, changing nothing.
    for (const name of pages) {
      await dialog.getByRole('tab', { name }).click();
      await expect.poll(() => fields.count()).toBeGreaterThan(0);
      await fields.first().focus();
      for (let i = await fields.count(); i > 0; i--) await page.keyboard.press('Tab');
    }

    // One real change, sent after the tabs on the same connection: once it shows, they were all handled.
    await dialog.getByRole('tab', { name: 'General' }).click();
    const row = page.locator('tr[data-setting="scheduler.maxConcurrent"]');
    await row.getByLabel('Agents at once (yours)').fill('6');
    await row.getByLabel('Agents at once (yours)').press('Enter');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('6your setting');

    await page.reload();
    await page.getByRole('button', { name: 'Settings' }).click();
    for (const name of pages) {
      await dialog.getByRole('tab', { name }).click();
      await expect.poll(() => fields.count()).toBeGreaterThan(0);
      const stored = await dialog
        .locator('tr[data-setting]')
        .evaluateAll((rows) => rows.filter((r) => !r.querySelector('.source-default')).map((r) => r.getAttribute('data-setting')));
      expect(stored, name).toEqual(name === 'General' ? ['scheduler.maxConcurrent'] : []);
    }
  }, 120_000);

  it('a change made in one page shows in another open on the same core, without a reload', async () => {
    const { served, browser, page: first } = await servedWithProject();
    await first.getByRole('button', { name: 'New task' }).click();
    const editor = first.getByRole('dialog', { name: 'New task' });
    await editor.getByLabel('Title').fill('Card');
    await editor.getByLabel('Prompt').fill('Say hello');
    await editor.getByRole('button', { name: 'Create task' }).click();
    await editor.waitFor({ state: 'detached' });
    const second = await browser.newPage();
    await second.goto(served.loginUrl);
    const card = second.getByRole('region', { name: 'Backlog' }).getByRole('button', { name: /^Card/ });
    await card.waitFor();
    expect(await card.locator('.allow-all').count()).toBe(0);
    for (const page of [first, second]) await page.getByRole('button', { name: 'Settings' }).click();
    const row = (page: typeof first) => page.locator('tr[data-setting="scheduler.maxConcurrent"]');
    await expect.poll(() => row(second).locator('td').nth(1).textContent()).toBe('4default');

    await row(first).getByLabel('Agents at once (yours)').fill('6');
    await row(first).getByLabel('Agents at once (yours)').press('Enter');
    await expect.poll(() => row(second).locator('td').nth(1).textContent()).toBe('6your setting');
    await expect.poll(() => row(second).getByLabel('Agents at once (yours)').inputValue()).toBe('6');

    await row(first).getByLabel('Agents at once (this project)').fill('2');
    await row(first).getByLabel('Agents at once (this project)').press('Enter');
    await expect.poll(() => row(second).locator('td').nth(1).textContent()).toBe('2this project');

    // The board follows too: the second page's card warns once the first allows everything.
    await first.locator('tr[data-setting="policy.preset"]').getByLabel('Permission questions (this project)').selectOption('all');
    await expect.poll(() => card.locator('.allow-all').count()).toBe(1);

    // A reset in the second page shows in the first.
    await row(second).getByRole('button', { name: 'reset' }).last().click();
    await expect.poll(() => row(first).locator('td').nth(1).textContent()).toBe('6your setting');
  }, 120_000);
});
