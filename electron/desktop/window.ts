import { BrowserWindow, shell, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';

export interface WindowPaths {
  preload: string;
  indexHtml: string;
}

/** Whether a URL is the app's own page (the only page a window may show or send IPC from). */
export function isAppUrl(url: string, indexHtml: string): boolean {
  const own = pathToFileURL(indexHtml);
  try {
    const candidate = new URL(url);
    return candidate.protocol === 'file:' && candidate.pathname === own.pathname;
  } catch {
    return false;
  }
}

function lockDown(contents: WebContents, indexHtml: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, indexHtml)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never in a window of ours.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Switchyard',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  lockDown(window.webContents, paths.indexHtml);
  window.once('ready-to-show', () => window.show());
  void window.loadFile(paths.indexHtml);
  return window;
}
