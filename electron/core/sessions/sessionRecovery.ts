import type { Logger } from '../log';
import type { UnsavedWrites } from '../db/unsavedWrites';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { SessionHostPort } from './hostClient';
import type { HostSessionInfo } from './hostProtocol';
import type { SessionOutcomes } from './sessionOutcomes';
import type { SessionRows } from './sessionRows';
import { ORPHANED_DETAIL } from './taskFollowsSession';

export interface SessionRecoveryDeps {
  rows: SessionRows;
  lifecycle: TaskLifecycle;
  host: SessionHostPort;
  agentSessions: { endSession(sessionId: string): void };
  unsaved: UnsavedWrites;
  outcomes: SessionOutcomes;
  log: Logger;
}

/**
 * Settles the sessions a previous core left open against those the host still runs (`alive`):
 * each one the host runs is handed to `adopt`; the others ended with the app, and their tasks are
 * told they were interrupted; a program the host runs with no open session left is stopped.
 */
export function recoverSessions(
  deps: SessionRecoveryDeps,
  alive: HostSessionInfo[],
  options: { keepTokens?: boolean },
  adopt: (sessionId: string, taskId: string, pid: number) => void,
): void {
  const running = new Map(alive.filter((s) => s.running).map((s) => [s.sessionId, s]));
  const now = Date.now();
  for (const { id, taskId } of deps.rows.open()) {
    const kept = running.get(id);
    running.delete(id);
    if (kept) {
      adopt(id, taskId, kept.pid);
      continue;
    }
    deps.unsaved.run(`the end of session ${id}`, () => deps.rows.markEnded(id, { endedAt: now }));
    deps.outcomes.recordState(id, { state: 'exited', source: 'host', at: now, detail: ORPHANED_DETAIL });
    // Its hook token, recorded for a core of later, is no use to anyone now.
    if (!options.keepTokens) deps.agentSessions.endSession(id);
    deps.unsaved.run(`the column of task ${taskId} after its session ended with the app`, () =>
      deps.lifecycle.send(taskId, 'session.interrupted'),
    );
  }
  for (const sessionId of running.keys()) {
    deps.log.warn(`the session host ran ${sessionId}, which no task has open: stopping it`);
    deps.host.send({ type: 'stop', sessionId }).catch(() => {});
  }
}
