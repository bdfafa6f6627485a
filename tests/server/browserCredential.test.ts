import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { startServer, type RunningServer } from '../../electron/server/http';
import { launchChromium } from '../helpers/browser';
import { makeCore } from '../helpers/core';

/** How long a page may take to load the app and log in on a busy machine (ms). */
const SLOW = { timeout: 20_000 };
const staticDir = join(appRoot(), 'dist', 'renderer');
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

const closing: { close(): unknown }[] = [];
afterEach(async () => {
  // Last opened, first closed: a browser context goes before the servers its pages are connected to
  // (a server's close waits for its open connections).
  for (const item of closing.splice(0).reverse()) await item.close();
});

async function instance(port = 0): Promise<RunningServer & { dataDir: string }> {
  const core = makeCore();
  const server = await startServer({ core, staticDir, port });
  closing.push(server);
  return Object.assign(server, { dataDir: core.dataDir });
}

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

/** Another program on another local port: a plain HTTP server that records every request it gets. */
async function otherPort(): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>another server</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closing.push({
    close: () =>
      new Promise((done) => {
        server.close(done);
        server.closeAllConnections();
      }),
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Waits until the page has called the core over its WebSocket: the status bar names the data folder. */
async function loggedIn(page: Page, dataDir: string): Promise<void> {
  await expect.poll(() => page.locator('.statusbar').textContent(), SLOW).toContain(`data in ${dataDir}`);
  expect(await page.getByText(/Connecting to Switchyard|Connection lost/).count()).toBe(0);
}

describe("browser mode's credential", () => {
  it('never reaches another local port, whether the tab navigates there, or a page there fetches or loads an image from it', async () => {
    const tower = await instance();
    const other = await otherPort();
    const context = await browser.newContext();
    closing.push(context);
    const page = await context.newPage();
    await page.goto(tower.loginUrl);
    await loggedIn(page, tower.dataDir);
    // The token left the address bar, and no cookie holds it.
    expect(page.url()).toBe(tower.url);
    expect(await context.cookies()).toEqual([]);

    await Promise.all([
      page.waitForURL(`${other.origin}/navigated`, SLOW),
      page.evaluate((origin) => {
        location.href = `${origin}/navigated`;
      }, other.origin),
    ]);
    // The other server's own page (none of the tower's CSP there) fetches and loads an image from its port.
    await page.evaluate(async () => {
      await fetch('/fetched', { credentials: 'include' });
      await new Promise((resolve) => {
        const image = new Image();
        image.onload = image.onerror = resolve;
        image.src = '/image';
      });
    });
    await page.goto(`${other.origin}/typed`);
    // A request made with the browser profile's cookie jar, as any tab of it would send it.
    await context.request.get(`${other.origin}/from-the-profile`);
    // (The browser asks for /favicon.ico on its own too; those requests are checked below as well.)
    expect(other.seen.map((s) => s.url).filter((url) => url !== '/favicon.ico')).toEqual([
      '/navigated',
      '/fetched',
      '/image',
      '/typed',
      '/from-the-profile',
    ]);
    for (const request of other.seen) {
      expect(JSON.stringify(request), `what ${request.url} carried`).not.toContain(tower.token);
      expect(request.headers.cookie, `the cookie header of ${request.url}`).toBeUndefined();
    }

    // Back in the tab, the tower still knows it: the token stayed in the tab, for its origin only.
    await page.goto(tower.url);
    await loggedIn(page, tower.dataDir);
  }, 60_000);

  it('keeps two instances on two ports, in two tabs of one browser, both logged in', async () => {
    const first = await instance();
    const second = await instance();
    const context = await browser.newContext();
    closing.push(context);
    const tabOne = await context.newPage();
    const tabTwo = await context.newPage();
    await tabOne.goto(first.loginUrl);
    await loggedIn(tabOne, first.dataDir);
    await tabTwo.goto(second.loginUrl);
    await loggedIn(tabTwo, second.dataDir);
    // Logging in to the second once overwrote the first's cookie; now each tab keeps its own token.
    await tabOne.reload();
    await loggedIn(tabOne, first.dataDir);
    await tabTwo.reload();
    await loggedIn(tabTwo, second.dataDir);
    expect(await context.cookies()).toEqual([]);
  }, 60_000);

  it('takes an old ?token= address to the fragment form, and says what to open in a tab that has no token', async () => {
    const tower = await instance();
    const context = await browser.newContext();
    closing.push(context);
    const old = await context.newPage();
    await old.goto(`${tower.url}?token=${tower.token}`);
    await loggedIn(old, tower.dataDir);
    expect(old.url()).toBe(tower.url);

    const fresh = await context.newPage();
    await fresh.goto(tower.url);
    await expect.poll(() => fresh.getByRole('alert').textContent(), SLOW).toContain('This tab has no token');
  }, 60_000);

  it('logs a tab that shows the app in again when the address of a restarted serve, with its new token, is opened in it', async () => {
    const before = await instance();
    const context = await browser.newContext();
    closing.push(context);
    const page = await context.newPage();
    await page.goto(before.loginUrl);
    await loggedIn(page, before.dataDir);
    await before.close();
    const after = await instance(before.port);
    expect(after.token).not.toBe(before.token);
    // Only the fragment differs from the address the tab shows, so the browser does not load the page by itself.
    await page.goto(after.loginUrl);
    await loggedIn(page, after.dataDir);
    expect(page.url()).toBe(after.url);
  }, 60_000);
});
