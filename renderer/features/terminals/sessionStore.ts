import { create } from 'zustand';
import type { Session, StateChange } from '../../../shared/contract';

export type TerminalLayout = 'tabs' | 'grid';

interface SessionsState {
  /** Metadata only: terminal bytes live in the terminal registry, never here. */
  sessions: Record<string, Session>;
  /** The latest state change of each session, with its source. */
  latest: Record<string, StateChange>;
  /** Sessions open as panes, in tab order. */
  open: string[];
  active: string | null;
  layout: TerminalLayout;
  /** The task shown beside its pane, when the per-task view is open. */
  taskView: string | null;
  /** What the main area shows when no task view is open. */
  view: 'board' | 'terminals' | 'inbox' | 'usage';
}

export const useSessionStore = create<SessionsState>(() => ({
  sessions: {},
  latest: {},
  open: [],
  active: null,
  layout: 'tabs',
  taskView: null,
  view: 'board',
}));

export function rememberSession(session: Session): void {
  useSessionStore.setState((s) => ({ sessions: { ...s.sessions, [session.id]: session } }));
}

export function openPane(sessionId: string): void {
  useSessionStore.setState((s) => ({ open: s.open.includes(sessionId) ? s.open : [...s.open, sessionId], active: sessionId }));
}

export function closePane(sessionId: string): void {
  useSessionStore.setState((s) => {
    const open = s.open.filter((id) => id !== sessionId);
    return { open, active: s.active === sessionId ? (open[open.length - 1] ?? null) : s.active };
  });
}

/** Moves focus to the next (+1) or previous (-1) open pane. */
export function cyclePane(step: 1 | -1): void {
  useSessionStore.setState((s) => {
    if (s.open.length === 0) return {};
    const index = s.active ? s.open.indexOf(s.active) : -1;
    const next = (index + step + s.open.length) % s.open.length;
    return { active: s.open[next] ?? null };
  });
}
