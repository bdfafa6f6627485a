import { existsSync } from 'node:fs';
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
function installedBrowsers(): string[] {
  if (process.platform === 'darwin') {
    const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    const home = process.env.HOME ?? '';
    return [
      '/opt/homebrew/bin/chromium',
      '/usr/local/bin/chromium',
      ...apps.map((app) => join('/Applications', app)),
      ...(home ? apps.map((app) => join(home, 'Applications', app)) : []),
    ];
  }
  if (process.platform === 'win32') {
    const roots = [process.env.LOCALAPPDATA, process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)']].filter((root) => root !== undefined);
    const apps = ['Chromium\\Application\\chrome.exe', 'Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
    return apps.flatMap((app) => roots.map((root) => join(root, app)));
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

/**
 * The browser the tests drive: SWITCHYARD_CHROMIUM when set, else Debian's or Homebrew's Chromium,
 * Google Chrome or Edge where its OS installs it, else one of them on PATH.
 */
export function chromiumPath(): string {
  const chosen = process.env.SWITCHYARD_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`SWITCHYARD_CHROMIUM is ${chosen}, which does not exist`);
    return chosen;
  }
  const found =
    installedBrowsers().find((path) => existsSync(path)) ??
    BROWSER_COMMANDS.map((name) => which.sync(name, { nothrow: true })).find((path) => path !== null);
  if (!found) {
    throw new Error(
      'No Chromium, Google Chrome or Edge found: install one (Debian: apt-get install chromium; macOS: brew install --cask chromium) or set SWITCHYARD_CHROMIUM to its path',
    );
  }
  return found;
}

/** A headless Chromium for one test file or test; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
