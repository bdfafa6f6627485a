import type { Session } from '../../../shared/contract';

/** Every live session, oldest first: the Terminals view lists them all, opened as panes or not. */
export function liveSessions(sessions: Record<string, Session>): Session[] {
  return Object.values(sessions)
    .filter((s) => s.endedAt === null)
    .sort((a, b) => a.startedAt - b.startedAt);
}
