import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import { launchChromium } from '../helpers/browser';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

const root = join(import.meta.dirname, '..', '..');
/** How long `switchyard serve` may take to print its URL (ms). */
const SERVE_START_TIMEOUT_MS = 20_000;
/** How long a page may take to show what a step waits for, many browsers sharing two cores (ms). */
const PAGE_STEP_TIMEOUT_MS = 30_000;

export interface Served {
  /** The app's address without a token. */
  url: string;
  /** The address serve printed: the app's, with `#token=…`. */
  loginUrl: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const running: Served[] = [];
const browsers: Browser[] = [];

/** Starts the built `switchyard serve` on a free port (or the one given) with the given data directory. */
export async function startServe(
  dataDir: string,
  extraEnv: Record<string, string> = {},
  options: { port?: number; args?: string[] } = {},
): Promise<Served> {
  const cli = join(root, 'bin', 'switchyard.js');
  if (!existsSync(join(root, 'dist', 'node', 'cli.js'))) throw new Error('dist/ is missing: run `node scripts/build.mjs` first');
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(options.port ?? 0), '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL:\n${output}`)), SERVE_START_TIMEOUT_MS);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  const served: Served = {
    url: loginUrl.replace(/#token=.*$/, ''),
    loginUrl,
    process: child,
    output: () => output,
    // Serve keeps its agents running in the session host on SIGTERM: the test's are stopped with it.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).then(async () => void (await stopHost(dataDir, { all: true }))),
  };
  running.push(served);
  return served;
}

/** A headless Chromium, closed after the test. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await launchChromium();
  browsers.push(browser);
  return browser;
}

afterEach(async () => {
  for (const browser of browsers.splice(0)) await browser.close();
  for (const served of running.splice(0)) await served.stop();
});

/** What a page asked of the Notifications API, as recorded by {@link recordNotifications}. */
export interface RecordedNotification {
  title: string;
  body?: string;
  tag?: string;
  silent?: boolean;
}

/**
 * Grants the server's origin the Notifications permission and records every notification the
 * context's pages ask for (the real API still runs); read them with {@link recordedNotifications}.
 */
export async function recordNotifications(context: BrowserContext, url: string): Promise<void> {
  await context.grantPermissions(['notifications'], { origin: new URL(url).origin });
  await context.addInitScript(() => {
    const Original = window.Notification;
    const calls: unknown[] = [];
    Object.assign(window, { recordedNotifications: calls });
    class Recorded extends Original {
      constructor(title: string, options: NotificationOptions = {}) {
        calls.push({ title, body: options.body, tag: options.tag, silent: options.silent });
        super(title, options);
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Original.permission });
    Object.defineProperty(Recorded, 'requestPermission', { value: Original.requestPermission.bind(Original) });
    window.Notification = Recorded;
  });
}

/** The notifications a page asked for so far. */
export function recordedNotifications(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(() => (window as unknown as { recordedNotifications: RecordedNotification[] }).recordedNotifications);
}

/** What went wrong in a page: its uncaught errors and console errors, as {@link watchPage} records them. */
const pageTroubles = new WeakMap<Page, string[]>();

/** Records a page's uncaught errors and console errors, for a failed step to say what the page said. */
export function watchPage(page: Page): Page {
  if (pageTroubles.has(page)) return page;
  const troubles: string[] = [];
  pageTroubles.set(page, troubles);
  page.on('pageerror', (error) => troubles.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') troubles.push(`console: ${message.text()}`);
  });
  return page;
}

/** A dialog that did not open: what the page showed instead, to tell a swallowed click from slow or failed code. */
export class DialogDidNotOpen extends Error {
  override name = 'DialogDidNotOpen';
}

/** The text of every element matching `locator`, one line each, shortened. */
async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents().catch(() => [])).map((text) => text.replace(/\s+/g, ' ').trim().slice(0, 200)).filter(Boolean);
}

/**
 * Clicks `opener` and returns the dialog `name` once it shows (its code loads on the first open).
 * If its code cannot load, or it does not show in time, throws {@link DialogDidNotOpen} saying what
 * the page showed instead: the alerts and notices, whether the opener is still there, the page's errors.
 */
export async function openDialog(page: Page, opener: Locator, name: string | RegExp, timeout = PAGE_STEP_TIMEOUT_MS): Promise<Locator> {
  await opener.click({ timeout });
  const dialog = page.getByRole('dialog', { name });
  const failedLoad = page.getByRole('alert').filter({ hasText: /^Could not load/ });
  const shown = await Promise.race([
    dialog.waitFor({ timeout }).then(() => 'open' as const),
    failedLoad.waitFor({ timeout }).then(() => 'failed' as const),
  ]).catch(() => 'timeout' as const);
  if (shown === 'open') return dialog;
  const facts = [
    shown === 'failed' ? 'its code could not load' : `it did not show within ${timeout} ms`,
    `alerts: ${JSON.stringify(await texts(page.getByRole('alert')))}`,
    `notices: ${JSON.stringify(await texts(page.locator('.notice')))}`,
    `opener still shown: ${await opener.isVisible().catch(() => false)}`,
    `other dialogs: ${JSON.stringify(await texts(page.getByRole('dialog')))}`,
    `page errors: ${JSON.stringify(pageTroubles.get(page) ?? [])}`,
  ];
  throw new DialogDidNotOpen(`The dialog ${String(name)} did not open: ${facts.join('; ')}`);
}

/**
 * A new serve on a new data folder, with one page open (of the size given) that has added a new
 * repository as a project and shows its board: the add has finished (the field is empty again, the
 * project selected, the run's status in), so what a test does next does not race it.
 */
export async function servedWithProject(viewport?: { width: number; height: number }) {
  const served = await startServe(tempDir('switchyard-e2e-'));
  const browser = await launchBrowser();
  const page = watchPage(await browser.newPage(viewport ? { viewport } : {}));
  await page.goto(served.loginUrl);
  const repo = makeRepo();
  const field = page.getByLabel('Add a repository');
  await field.fill(repo);
  await page.getByRole('button', { name: 'Add project' }).click();
  await page.getByRole('region', { name: `Tasks of ${basename(repo)}` }).waitFor({ timeout: PAGE_STEP_TIMEOUT_MS });
  await page.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: new RegExp(`^${basename(repo)}`) }).and(page.locator('[aria-current="true"]')).waitFor({ timeout: PAGE_STEP_TIMEOUT_MS });
  await expect.poll(() => field.inputValue(), { timeout: PAGE_STEP_TIMEOUT_MS }).toBe('');
  // The run's status is in: the last part of the board's header to load.
  await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).isEnabled(), { timeout: PAGE_STEP_TIMEOUT_MS }).toBe(true);
  return { served, browser, page };
}

