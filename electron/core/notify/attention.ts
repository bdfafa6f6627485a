import type { SessionState } from '../../../shared/contract';

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
  /** Live sessions per state, for the counts line. */
  counts: TrayCounts;
  /** The item that pauses or resumes the scheduler; null when there is nothing to pause or resume. */
  run: TrayRunItem | null;
}

export interface TrayCounts {
  needs_input: number;
  working: number;
  idle: number;
  failed: number;
}

export interface TrayRunItem {
  label: string;
  action: 'pause' | 'resume';
}

/** The scheduler as the tray sees it: projects whose run is on, and those the tray paused. */
export interface TrayRunState {
  active: number;
  pausedFromTray: number;
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

const projects = (n: number) => `${n} project${n === 1 ? '' : 's'}`;

/** Pause while any run is on; resume what the tray paused once none is. */
export function trayRunItem(run: TrayRunState): TrayRunItem | null {
  if (run.active > 0) return { label: `Pause the run (${projects(run.active)})`, action: 'pause' };
  if (run.pausedFromTray > 0) return { label: `Resume the run (${projects(run.pausedFromTray)})`, action: 'resume' };
  return null;
}

/** The tray's icon, tooltip and menu for the sessions that are live or finished but not yet dealt with. */
export function trayModel(items: readonly AttentionItem[], run: TrayRunState = { active: 0, pausedFromTray: 0 }): TrayModel {
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
  return {
    status,
    tooltip,
    badge: needs,
    items: menu,
    more: listed.length - menu.length,
    counts: { needs_input: needs, working, idle, failed },
    run: trayRunItem(run),
  };
}

/** The tray menu's first line: how many sessions are in each state. */
export function trayCountsLine(counts: TrayCounts): string {
  return `${counts.needs_input} need you · ${counts.working} working · ${counts.idle} finished · ${counts.failed} failed`;
}
