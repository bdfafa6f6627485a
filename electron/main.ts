import { app, dialog, ipcMain, session, type IpcMainEvent, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwitchyardError } from '../shared/errors';
import { IPC_CHANNEL } from '../shared/ipc';
import { loginShellEnvironment, withLoginEnvironment } from './core/agents/loginShell';
import { createCore, type Core } from './core/app';
import { consoleLogger } from './core/log';
import { askQuitChoice } from './desktop/quitPrompt';
import { keptRunningNotification, quitTrayLine } from './core/sessions/keptRunning';
import { resolveDataDir } from './core/dataDir';
import { MigrationError } from './core/db/client';
import type { Connection } from './core/rpc/connection';
import { isAppUrl } from './core/security/appUrl';
import { installMenu } from './desktop/menu';
import { showNotification } from './desktop/notifications';
import { TrayController } from './desktop/tray';
import { createMainWindow } from './desktop/window';
import { claimControlSocket, type ControlServer } from './server/controlSocket';

const here = dirname(fileURLToPath(import.meta.url));
const paths = {
  preload: join(here, 'preload.cjs'),
  indexHtml: join(here, '..', 'renderer', 'index.html'),
};

function dataDirArgument(argv: readonly string[]): string | undefined {
  const flag = argv.find((arg) => arg.startsWith('--data-dir='));
  return flag?.slice('--data-dir='.length);
}

/** Bridges one window's IPC to the core: each WebContents gets its own connection. */
function bridgeIpc(core: Core): void {
  const connections = new Map<WebContents, Connection>();
  ipcMain.on(IPC_CHANNEL, (event: IpcMainEvent, message: unknown) => {
    // Only the app's own page, in a top-level frame, may talk to the core.
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url, paths.indexHtml)) return;
    const contents = event.sender;
    let connection = connections.get(contents);
    if (!connection) {
      connection = core.connect((reply) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, reply);
      });
      connections.set(contents, connection);
      contents.once('destroyed', () => {
        connections.get(contents)?.dispose();
        connections.delete(contents);
      });
    }
    void connection.receive(message);
  });
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let core: Core | undefined;
  let window: ReturnType<typeof createMainWindow> | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(async () => {
    // Started from the Dock or a launcher, the app has a short PATH and none of the profile's
    // variables: take the login shell's, so that agents find their CLIs, API keys, proxies and
    // folders as they do in a terminal. The session host and every agent inherit them.
    const login = await loginShellEnvironment();
    if (login) Object.assign(process.env, withLoginEnvironment(login, process.env));
    const dataDir = resolveDataDir({ explicit: dataDirArgument(process.argv), hostDefault: app.getPath('userData') });
    let control: ControlServer;
    try {
      // One core per data folder: a serve or run that holds it is named, and this app does not open a second.
      control = await claimControlSocket(dataDir, 'app', consoleLogger());
    } catch (error) {
      dialog.showErrorBox('Switchyard cannot start', error instanceof Error ? error.message : String(error));
      app.exit(3);
      return;
    }
    app.once('will-quit', () => void control.close());
    try {
      core = createCore({ dataDir, mode: 'desktop', sessionHost: 'process' });
    } catch (error) {
      // A failed migration, or no better-sqlite3 build for Electron's ABI (nothing of another ABI is loaded).
      const message = error instanceof MigrationError || error instanceof SwitchyardError ? error.message : String(error);
      dialog.showErrorBox('Switchyard cannot start', message);
      app.exit(3);
      return;
    }
    // No permission (camera, notifications from the page, …) is granted to web content.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    control.serve(core);
    bridgeIpc(core);
    const showWindow = () => {
      if (!window) {
        window = createMainWindow(paths);
        window.on('closed', () => (window = undefined));
      }
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    };
    const started = core;
    const openTask = (taskId: string) => {
      showWindow();
      started.attention.open(taskId);
    };
    installMenu({ openSettings: () => started.bus.emit('ui.openSettings', {}) });
    const tray = new TrayController({ openTask, showWindow, toggleRun: () => started.attention.toggleRun(), quit: () => app.quit() });
    const quitLine = () => quitTrayLine(started.sessions.runningCount(), started.settings.value('sessions.keepRunningOnQuit'));
    tray.update(core.attention.model(), quitLine());
    const subscription = core.bus.subscribe((message) => {
      if (message.event === 'attention.changed') {
        tray.update(message.payload, quitLine());
        app.setBadgeCount(message.payload.badge);
      } else if (message.event === 'notify.show') {
        showNotification(message.payload, { openTask, showWindow });
      }
    });
    app.once('will-quit', () => {
      subscription.dispose();
      tray.dispose();
    });
    showWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!window && core) window = createMainWindow(paths);
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !core) return;
    event.preventDefault();
    disposed = true;
    const quitting = core;
    void askQuitChoice(quitting)
      .then((choice) => {
        quitting.setQuitChoice(choice);
        const kept = keptRunningNotification(choice, quitting.sessions.runningCount());
        if (kept) showNotification(kept, { openTask: () => {}, showWindow: () => {} });
        return quitting.dispose();
      })
      .finally(() => app.quit());
  });
}

start();
