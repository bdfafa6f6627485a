import type { Session, StateChange } from '../../../shared/contract';

export interface TaskTimes {
  workingMs: number;
  waitingMs: number;
  idleMs: number;
  limitWaitMs: number;
}

/**
 * A task's agent time by state, from the state history of its sessions: each state lasts until the
 * next change, the last one until the session ended (or now, while it runs). Starting counts as
 * working (the agent is being brought up for the task). A session stopped at a usage limit waits
 * from its end until the task's next session started — or until now, while none has.
 */
export function taskTimes(sessions: readonly Session[], history: (sessionId: string) => readonly StateChange[], now: number): TaskTimes {
  const times: TaskTimes = { workingMs: 0, waitingMs: 0, idleMs: 0, limitWaitMs: 0 };
  const ordered = [...sessions].sort((a, b) => a.startedAt - b.startedAt);
  ordered.forEach((session, i) => {
    const end = session.endedAt ?? now;
    const changes = history(session.id);
    for (let c = 0; c < changes.length; c++) {
      const change = changes[c]!;
      const until = Math.min(end, changes[c + 1]?.at ?? end);
      const span = Math.max(0, until - change.at);
      if (change.state === 'working' || change.state === 'starting') times.workingMs += span;
      else if (change.state === 'needs_input') times.waitingMs += span;
      else if (change.state === 'idle') times.idleMs += span;
    }
    if (session.stopReason === 'usage_limit' && session.endedAt !== null) {
      times.limitWaitMs += Math.max(0, (ordered[i + 1]?.startedAt ?? now) - session.endedAt);
    }
  });
  return times;
}

/**
 * From when the task first became ready (or started, when it never sat in Ready) to when it first
 * reached review afterwards (ms), or null until it has.
 */
export function leadTime(statuses: readonly { status: string; at: number }[]): number | null {
  const ready = statuses.find((s) => s.status === 'ready' || s.status === 'running');
  if (!ready) return null;
  const review = statuses.find((s) => s.at >= ready.at && s.status === 'review');
  return review ? review.at - ready.at : null;
}
