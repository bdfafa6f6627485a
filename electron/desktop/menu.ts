import { Menu, app, type MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. On macOS copy and paste only work in a window through the Edit menu's
 * roles, so it is there on every platform; View has reload and zoom for the terminal panes.
 */
export function installMenu(actions: { openSettings(): void }): void {
  const mac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [{ label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.openSettings() }, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  app.setAboutPanelOptions({ applicationName: 'Switchyard', applicationVersion: app.getVersion() });
}
