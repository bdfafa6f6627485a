import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { launchBrowser, startServe } from './harness';

/** A port nothing listens on now, for a serve that must come back on the same address. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A serve on a fixed port and a new data folder, with a tab signed in and showing it. */
async function tabOnFixedPort() {
  const dataDir = tempDir('switchyard-data-');
  const port = await freePort();
  const first = await startServe(dataDir, {}, { port });
  const page = await (await launchBrowser()).newPage();
  await page.goto(first.loginUrl);
  await page.getByText(`data in ${dataDir}`).waitFor();
  return { dataDir, port, first, page };
}

describe('browser mode across restarts', () => {
  it('an open tab reconnects by itself after serve restarts, with the token it was given', async () => {
    const { dataDir, port, first, page } = await tabOnFixedPort();
    expect(await page.getByRole('status').filter({ hasText: 'Connecting' }).count()).toBe(0);

    // Stopped: the tab says it lost the server. Started again on the same port: the tab is back without a new address.
    await first.stop();
    await page.getByText('Connection lost; reconnecting…').or(page.getByText('Connecting to Switchyard…')).first().waitFor();
    const second = await startServe(dataDir, {}, { port });
    expect(second.loginUrl).toBe(first.loginUrl);
    await page.getByText('Connecting to Switchyard…').or(page.getByText('Connection lost; reconnecting…')).first().waitFor({ state: 'detached', timeout: 20_000 });
    expect(page.url()).toBe(first.url);
    await page.getByText(`data in ${dataDir}`).waitFor();
  }, 120_000);

  it('a tab whose token was rotated stops trying and says what to do', async () => {
    const { dataDir, port, first, page } = await tabOnFixedPort();
    await first.stop();

    // What was tried: the same port, a new token (serve --new-token): the old tab's token is refused.
    const rotated = await startServe(dataDir, {}, { port, args: ['--new-token'] });
    expect(rotated.loginUrl).not.toBe(first.loginUrl);
    const alert = page.getByRole('alert').filter({ hasText: 'no longer accepts this tab' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('switchyard serve');
    // The new address lets the same tab in again.
    await page.goto(rotated.loginUrl);
    await page.getByText(`data in ${dataDir}`).waitFor();
    expect(await alert.count()).toBe(0);
  }, 120_000);
});
