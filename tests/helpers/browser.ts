import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import which from 'which';

/** Flags for a headless Chromium on a shared CI machine: no sandbox (containers), no GPU, no background traffic. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where each OS's packages and installers put Chromium, Google Chrome and Edge, in the order tried. */
function installedBrowsers(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    const home = env.HOME ?? '';
    return [
      '/opt/homebrew/bin/chromium',
      '/usr/local/bin/chromium',
      ...apps.map((app) => join('/Applications', app)),
      ...(home ? apps.map((app) => join(home, 'Applications', app)) : []),
    ];
  }
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter((root) => root !== undefined);
    const apps = [
      ['Chromium', 'Application', 'chrome.exe'],
      ['Google', 'Chrome', 'Application', 'chrome.exe'],
      ['Microsoft', 'Edge', 'Application', 'msedge.exe'],
    ];
    return apps.flatMap((app) => roots.map((root) => join(root, ...app)));
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/home/linuxbrew/.linuxbrew/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/opt/microsoft/msedge/msedge',
  ];
}

/** Names to look for on PATH when none is where its installer puts it. */
const BROWSER_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'msedge', 'chrome'];

/** The one line a test run ends with when it has no browser to drive. */
export const NO_BROWSER =
  'No Chromium, Google Chrome or Edge found: install one (Debian: apt-get install chromium; macOS: brew install --cask chromium) or set SWITCHYARD_CHROMIUM to its path';

/** A file this process may run (on Windows, any file). */
function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser to drive on `platform` with `env`: SWITCHYARD_CHROMIUM when set, else Debian's or
 * Homebrew's Chromium, Google Chrome or Edge where its OS installs it, else one of them on PATH.
 */
export function findBrowser(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  const chosen = env.SWITCHYARD_CHROMIUM;
  if (chosen) {
    if (!isExecutable(chosen)) throw new Error(`SWITCHYARD_CHROMIUM is ${chosen}, which is no program that can run`);
    return chosen;
  }
  const found =
    installedBrowsers(platform, env).find(isExecutable) ??
    BROWSER_COMMANDS.map((name) => which.sync(name, { nothrow: true, path: env.PATH ?? '' })).find((path) => path !== null);
  if (!found) throw new Error(NO_BROWSER);
  return found;
}

/** The browser the tests drive here. */
export function chromiumPath(): string {
  return findBrowser(process.platform, process.env);
}

/** A headless Chromium for one test file or test; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
