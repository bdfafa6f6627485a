import { BrowserWindow, shell, type WebContents } from 'electron';
import { isAppUrl, isExternalLink } from '../core/security/appUrl';

export interface WindowPaths {
  preload: string;
  indexHtml: string;
}

function lockDown(contents: WebContents, indexHtml: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, indexHtml)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never in a window of ours.
    if (isExternalLink(url)) void shell.openExternal(url);
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
