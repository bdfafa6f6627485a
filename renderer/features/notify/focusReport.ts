import type { AppInfo } from '../../../shared/contract';

/** What the renderer shows, as far as the question "which task is in front of the user" goes. */
export interface ShownView {
  /** The task opened beside its pane. */
  taskView: string | null;
  view: 'board' | 'terminals' | 'inbox' | 'usage';
  /** The task of the focused pane in the Terminals view. */
  activePaneTaskId: string | null;
  /** The task whose details dialog is open. */
  openTaskId: string | null;
}

/** The task the user looks at: its own view, else the focused pane of the Terminals view, else its open details. */
export function focusedTaskId(shown: ShownView): string | null {
  if (shown.taskView) return shown.taskView;
  if (shown.view === 'terminals' && shown.activePaneTaskId) return shown.activePaneTaskId;
  return shown.openTaskId;
}

/**
 * Whether the user can see the page: the desktop window only while it has the focus (it may sit
 * behind another app's window); a browser tab while it is the visible one.
 */
export function userCanSee(mode: AppInfo['mode'] | undefined, page: { hasFocus: boolean; visible: boolean }): boolean {
  return mode === 'desktop' ? page.hasFocus : page.visible;
}
