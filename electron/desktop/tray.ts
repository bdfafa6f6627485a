import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import { trayCountsLine, type TrayModel, type TrayStatus } from '../core/notify/attention';
import { trayIconPng } from '../core/notify/trayIcon';

/** Tray icon sizes: 16 px and its 2× for HiDPI screens. */
const TRAY_ICON_SIZE = 16;

function icon(status: TrayStatus): NativeImage {
  const image = nativeImage.createFromBuffer(trayIconPng(status, TRAY_ICON_SIZE));
  image.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(status, TRAY_ICON_SIZE * 2) });
  return image;
}

/**
 * The system tray: shows the model the core computed — counts per state, the sessions (waiting ones
 * first; a click opens the task), and the item that pauses or resumes the scheduler.
 */
export class TrayController {
  private readonly tray: Tray;
  private status: TrayStatus | undefined;

  constructor(
    private readonly actions: { openTask(taskId: string): void; showWindow(): void; toggleRun(): void; quit(): void },
  ) {
    this.tray = new Tray(icon('none'));
    this.tray.on('click', () => actions.showWindow());
  }

  /** `quitLine`: what quitting does with the agents that run (see quitTrayLine), shown under the counts. */
  update(model: TrayModel, quitLine: string | null): void {
    if (model.status !== this.status) {
      this.tray.setImage(icon(model.status));
      this.status = model.status;
    }
    this.tray.setToolTip(model.tooltip);
    const sessions = model.items.map((item) => ({ label: item.label, click: () => this.actions.openTask(item.taskId) }));
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: trayCountsLine(model.counts), enabled: false },
        ...(quitLine ? [{ label: quitLine, enabled: false }] : []),
        { type: 'separator' },
        ...(sessions.length > 0 ? sessions : [{ label: 'No agent running', enabled: false }]),
        ...(model.more > 0 ? [{ label: `and ${model.more} more…`, click: () => this.actions.showWindow() }] : []),
        { type: 'separator' },
        ...(model.run ? [{ label: model.run.label, click: () => this.actions.toggleRun() }] : []),
        { label: 'Open Switchyard', click: () => this.actions.showWindow() },
        { label: 'Quit', click: () => this.actions.quit() },
      ]),
    );
  }

  dispose(): void {
    this.tray.destroy();
  }
}
