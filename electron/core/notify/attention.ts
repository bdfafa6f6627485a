import type { SessionState, StateChange } from '../../../shared/contract';

/** A live session as the tray and notifications see it. */
export interface AttentionItem {
  sessionId: string;
  taskId: string;
  taskTitle: string;
  projectName: string;
  state: SessionState;
  /** When the session entered its state (epoch ms). */
  since: number;
}

/** What the tray icon shows, most urgent first. */
export type TrayStatus = 'needs_input' | 'failed' | 'working' | 'idle' | 'none';

export interface TrayMenuItem {
  label: string;
  taskId: string;
  state: SessionState;
}

export interface TrayModel {
  status: TrayStatus;
  tooltip: string;
  /** A number for the dock/taskbar badge: how many sessions wait for the human. */
  badge: number;
  items: TrayMenuItem[];
  /** How many sessions the menu had no room for. */
  more: number;
}

/** Most sessions listed in the tray menu; the rest are counted. */
export const TRAY_MENU_MAX_ITEMS = 10;

/** The order in which sessions are listed: what needs the human first. */
const MENU_ORDER: SessionState[] = ['needs_input', 'failed', 'idle', 'working', 'starting'];

const STATE_WORDS: Record<SessionState, string> = {
  starting: 'starting',
  working: 'working',
  needs_input: 'needs you',
  idle: 'finished',
  exited: 'exited',
  failed: 'failed',
};

/** The tray's icon, tooltip and menu for the sessions that are live or finished but not yet dealt with. */
export function trayModel(items: readonly AttentionItem[]): TrayModel {
  const count = (state: SessionState) => items.filter((i) => i.state === state).length;
  const needs = count('needs_input');
  const failed = count('failed');
  const working = count('working') + count('starting');
  const idle = count('idle');
  const status: TrayStatus = needs > 0 ? 'needs_input' : failed > 0 ? 'failed' : working > 0 ? 'working' : idle > 0 ? 'idle' : 'none';

  const parts = [
    needs > 0 ? `${needs} need${needs === 1 ? 's' : ''} you` : '',
    failed > 0 ? `${failed} failed` : '',
    working > 0 ? `${working} working` : '',
    idle > 0 ? `${idle} finished` : '',
  ].filter(Boolean);
  const tooltip = parts.length > 0 ? `Switchyard — ${parts.join(', ')}` : 'Switchyard — no agent running';

  const listed = items
    .filter((i) => MENU_ORDER.includes(i.state))
    .sort((a, b) => MENU_ORDER.indexOf(a.state) - MENU_ORDER.indexOf(b.state) || a.since - b.since);
  const menu = listed.slice(0, TRAY_MENU_MAX_ITEMS).map((i) => ({
    label: `${i.taskTitle} — ${STATE_WORDS[i.state]} (${i.projectName})`,
    taskId: i.taskId,
    state: i.state,
  }));
  return { status, tooltip, badge: needs, items: menu, more: listed.length - menu.length };
}

export interface NotificationContext {
  taskId: string;
  taskTitle: string;
  projectName: string;
  /** The window has focus and shows this task: the human already sees it. */
  visibleToUser: boolean;
}

export interface NotificationDecision {
  title: string;
  body: string;
  taskId: string;
  urgent: boolean;
}

/**
 * Which state changes are worth an OS notification: an agent starting to wait for the human, an
 * agent finishing its turn, an agent failing. Nothing for what the human is looking at already.
 */
export function notificationFor(
  previous: SessionState | undefined,
  change: StateChange,
  context: NotificationContext,
): NotificationDecision | null {
  if (previous === change.state || context.visibleToUser) return null;
  const detail = change.detail ? `: ${change.detail}` : '';
  const where = context.projectName;
  switch (change.state) {
    case 'needs_input':
      return { title: `${context.taskTitle} needs your input`, body: `${where}${detail}`, taskId: context.taskId, urgent: true };
    case 'idle':
      return previous === 'working' || previous === 'needs_input'
        ? { title: `${context.taskTitle} finished`, body: `${where} — ready for review`, taskId: context.taskId, urgent: false }
        : null;
    case 'failed':
      return { title: `${context.taskTitle} failed`, body: `${where}${detail}`, taskId: context.taskId, urgent: true };
    default:
      return null;
  }
}

/** A repeat of the same notification for the same task within this window is dropped (ms). */
export const NOTIFICATION_REPEAT_WINDOW_MS = 30_000;

/** Keeps an agent that flips between working and waiting from flooding the desktop with notifications. */
export class NotificationThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly windowMs = NOTIFICATION_REPEAT_WINDOW_MS) {}

  allow(decision: NotificationDecision, now: number): boolean {
    const key = `${decision.taskId}\u0000${decision.title}`;
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.windowMs) return false;
    this.last.set(key, now);
    return true;
  }
}
