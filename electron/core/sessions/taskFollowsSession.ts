import type { StateChange } from '../../../shared/contract';
import type { TaskEvent } from '../tasks/taskTransitions';
import { HOST_LOST_DETAIL, HOST_SILENT_DETAIL } from './hostClient';
import { STOPPED_DETAIL } from './hostSession';

/** The detail of the end of a session whose app went away under it (killed, or the machine restarted). */
export const ORPHANED_DETAIL = 'Switchyard restarted';

/** What an agent's state tells its task's lifecycle; other states tell it nothing. */
const TASK_EVENT_OF_STATE: Partial<Record<StateChange['state'], TaskEvent>> = {
  working: 'session.working',
  needs_input: 'session.needsInput',
  idle: 'session.turnFinished',
};

/** The states of an agent in the middle of its work: a session that ended in one was interrupted. */
const MID_WORK_STATES: ReadonlySet<StateChange['state']> = new Set(['working', 'needs_input']);

/**
 * The board follows the agent: waiting for its human (needs input), done with its turn (review),
 * and back to running once it works again, also after a review asked it for more.
 */
export function taskEventOfState(change: StateChange, previous: StateChange['state'] | undefined): TaskEvent | undefined {
  // Idle at the prompt before any work (an agent just started) is not a finished turn.
  if (change.state === 'idle' && previous !== 'working' && previous !== 'needs_input') return undefined;
  return TASK_EVENT_OF_STATE[change.state];
}

/**
 * A clean exit is ready for review and a crash failed. An agent the user stopped, or that the
 * app's own shutdown ended, was interrupted: in the middle of its work its task goes back to
 * Ready so that a run starts it again; one that had finished its turn stays in review.
 */
export function taskEventOfExit(stopped: boolean, exit: { exitCode: number; signal: number | null }): TaskEvent {
  if (stopped) return 'session.interrupted';
  return exit.exitCode === 0 && exit.signal === null ? 'session.exitedOk' : 'session.failed';
}

/** The details of an exit the agent did not choose: stopped, or gone with the app or its host. */
const ENDED_FROM_OUTSIDE = new Set([STOPPED_DETAIL, ORPHANED_DETAIL, HOST_LOST_DETAIL, HOST_SILENT_DETAIL]);

/**
 * Whether a session's latest changes (newest first) say it was stopped (by the user, the app
 * quitting or the machine restarting) in the middle of its agent's work: starting its task again
 * continues that conversation. A session that failed, finished its turn, or never began working
 * was not interrupted.
 */
export function wasInterrupted([last, before]: readonly { state: StateChange['state']; detail: string | null }[]): boolean {
  const stopped = last?.state === 'exited' && last.detail !== null && ENDED_FROM_OUTSIDE.has(last.detail);
  return stopped && before !== undefined && MID_WORK_STATES.has(before.state);
}
