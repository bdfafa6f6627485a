import { TASK_STATUSES, type TaskStatus } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';

/** The user drops a card on a column of the board, or picks the column in the task's editor. */
export type DragToColumn = `user.drag.${TaskStatus}`;
/** The user creates a task in a column. */
export type CreateInColumn = `user.create.${TaskStatus}`;

export const dragTo = (column: TaskStatus): DragToColumn => `user.drag.${column}`;
export const createIn = (column: TaskStatus): CreateInColumn => `user.create.${column}`;

/**
 * Everything that moves a task, named by where it comes from. The user's Start reaches the
 * lifecycle as `session.started` (as the scheduler's does), and the user's Stop as
 * `session.interrupted` once the agent has stopped.
 */
export const TASK_EVENTS = [
  ...TASK_STATUSES.map(dragTo),
  /** A session's agent started for the task: the user's Start, the scheduler's, a restart or a resume. */
  'session.started',
  /** The scheduler found every dependency done. */
  'scheduler.promoted',
  /** The scheduler could not start the task's agent, and has no attempt left. */
  'scheduler.startFailed',
  /** The agent works; it waits for its human; it finished its turn (idle after working). */
  'session.working',
  'session.needsInput',
  'session.turnFinished',
  /** The session ended on its own, cleanly; in failure; or stopped on purpose or with the app (interrupted). */
  'session.exitedOk',
  'session.failed',
  'session.interrupted',
  /** The task's branch landed on its base and its worktree was removed. */
  'merge.landed',
  /** The plan the task came from was imported again: without saying it is done; saying so. */
  'plan.reimported',
  'plan.markedDone',
  /** The scheduler could not start the task's agent, and tries again after a wait. */
  'scheduler.startRetrying',
  /** A run that merges what reaches review could not merge the task's branch (a conflict): it failed. */
  'merge.failed',
  /** The agent hit a usage limit: its work waits in Ready for the reset, then resumes. */
  'session.limitReached',
] as const;
export type TaskEvent = (typeof TASK_EVENTS)[number];

/** How a task comes to exist: the user makes it in a column, or a plan brings it (done or not yet). */
export const CREATION_EVENTS = [...TASK_STATUSES.map(createIn), 'plan.newTask', 'plan.newDoneTask'] as const;
export type CreationEvent = (typeof CREATION_EVENTS)[number];

/** A row of the table: what each event does to a task in that status; an event left out is refused. */
type Row = Partial<Record<TaskEvent, TaskStatus>>;

/**
 * Facts reported about a task that is not where they matter leave it where it is: a late state of
 * an agent whose card moved on, a start that failed after another one won, a re-import.
 */
const staying = (status: TaskStatus, events: readonly TaskEvent[]): Row => Object.fromEntries(events.map((e) => [e, status]));

/**
 * The task lifecycle: status × event → status. The user moves a card freely between Backlog,
 * Ready, Review, Done and Failed, and into Running (work taken in hand); only an agent's question
 * puts a card in Needs input, and a card whose agent is at work (Running, Needs input) goes only
 * to Review or Done — stopping its agent sends it back to Ready.
 */
export const TRANSITIONS: Readonly<Record<TaskStatus, Row>> = {
  backlog: {
    'user.drag.backlog': 'backlog',
    'user.drag.ready': 'ready',
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'user.drag.failed': 'failed',
    'session.started': 'running',
    'scheduler.promoted': 'ready',
    'scheduler.startFailed': 'failed',
    // Its dependencies are done (it was picked to start): it waits in Ready for its next attempt.
    'scheduler.startRetrying': 'ready',
    ...staying('backlog', ['session.working', 'session.needsInput', 'session.turnFinished', 'session.interrupted', 'session.limitReached', 'plan.reimported', 'merge.failed']),
    'session.exitedOk': 'review',
    'session.failed': 'failed',
    'merge.landed': 'done',
    'plan.markedDone': 'done',
  },
  ready: {
    'user.drag.backlog': 'backlog',
    'user.drag.ready': 'ready',
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'user.drag.failed': 'failed',
    'session.started': 'running',
    'scheduler.startFailed': 'failed',
    ...staying('ready', ['scheduler.startRetrying', 'scheduler.promoted', 'session.working', 'session.needsInput', 'session.turnFinished', 'session.interrupted', 'session.limitReached', 'plan.reimported', 'merge.failed']),
    'session.exitedOk': 'review',
    'session.failed': 'failed',
    'merge.landed': 'done',
    'plan.markedDone': 'done',
  },
  running: {
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    ...staying('running', ['session.started', 'scheduler.startFailed', 'scheduler.startRetrying', 'session.working', 'plan.reimported', 'merge.failed']),
    'session.needsInput': 'needs_input',
    'session.turnFinished': 'review',
    'session.exitedOk': 'review',
    'session.failed': 'failed',
    'session.interrupted': 'ready',
    'session.limitReached': 'ready',
    'merge.landed': 'done',
    'plan.markedDone': 'done',
  },
  needs_input: {
    'user.drag.needs_input': 'needs_input',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'session.started': 'running',
    ...staying('needs_input', ['scheduler.startFailed', 'scheduler.startRetrying', 'session.needsInput', 'plan.reimported', 'merge.failed']),
    'session.working': 'running',
    'session.turnFinished': 'review',
    'session.exitedOk': 'review',
    'session.failed': 'failed',
    'session.interrupted': 'ready',
    'session.limitReached': 'ready',
    'merge.landed': 'done',
    'plan.markedDone': 'done',
  },
  review: {
    'user.drag.backlog': 'backlog',
    'user.drag.ready': 'ready',
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'user.drag.failed': 'failed',
    'session.started': 'running',
    // Asked for more after a review: the agent works again.
    'session.working': 'running',
    // Its turn ended on a usage limit (the limit message ends a turn like any other).
    'session.limitReached': 'ready',
    ...staying('review', [
      'scheduler.startFailed',
      'scheduler.startRetrying',
      'session.needsInput',
      'session.turnFinished',
      'session.exitedOk',
      'session.interrupted',
      'plan.reimported',
    ]),
    'session.failed': 'failed',
    'merge.landed': 'done',
    'merge.failed': 'failed',
    'plan.markedDone': 'done',
  },
  done: {
    'user.drag.backlog': 'backlog',
    'user.drag.ready': 'ready',
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'user.drag.failed': 'failed',
    'session.started': 'running',
    // Done stops the task's agent: whatever it reports on its way out leaves the work done.
    ...staying('done', [
      'scheduler.startFailed',
      'scheduler.startRetrying',
      'session.working',
      'session.needsInput',
      'session.turnFinished',
      'session.exitedOk',
      'session.failed',
      'session.interrupted',
      'session.limitReached',
      'merge.landed',
      'merge.failed',
      'plan.reimported',
      'plan.markedDone',
    ]),
  },
  failed: {
    'user.drag.backlog': 'backlog',
    'user.drag.ready': 'ready',
    'user.drag.running': 'running',
    'user.drag.review': 'review',
    'user.drag.done': 'done',
    'user.drag.failed': 'failed',
    'session.started': 'running',
    ...staying('failed', [
      'scheduler.startFailed',
      'scheduler.startRetrying',
      'session.working',
      'session.needsInput',
      'session.turnFinished',
      'session.failed',
      'session.interrupted',
      'session.limitReached',
      'plan.reimported',
      'merge.failed',
    ]),
    'session.exitedOk': 'review',
    'merge.landed': 'done',
    'plan.markedDone': 'done',
  },
};

/** Where a new task starts; an event left out is refused. */
export const STARTS_IN: Readonly<Partial<Record<CreationEvent, TaskStatus>>> = {
  'user.create.backlog': 'backlog',
  'user.create.ready': 'ready',
  'user.create.running': 'running',
  'user.create.review': 'review',
  'user.create.done': 'done',
  'user.create.failed': 'failed',
  'plan.newTask': 'backlog',
  'plan.newDoneTask': 'done',
};

const said = (status: TaskStatus) => status.replace('_', ' ');

/** Why the table has no move for the event, in words the board can show. */
function reason(status: TaskStatus | null, event: TaskEvent | CreationEvent): string {
  if (event.endsWith('.needs_input')) return 'only an agent asking its human puts a task in needs input';
  if (event.startsWith('user.drag.')) return 'its agent is at work: stop it first (the task goes back to ready), or move it to review or done';
  if (event === 'scheduler.promoted') return 'only a task in the backlog moves to ready when its dependencies are done';
  return `the lifecycle has no move for it from ${status === null ? 'nothing' : said(status)}`;
}

function refused(status: TaskStatus | null, event: TaskEvent | CreationEvent): SwitchyardError {
  const what = status === null ? 'a new task' : `a task in ${said(status)}`;
  return new SwitchyardError('ILLEGAL_TRANSITION', `${what} cannot take ${event}: ${reason(status, event)}`, { status, event });
}

/** The status the event moves a task in `status` to, or ILLEGAL_TRANSITION naming both. */
export function nextStatus(status: TaskStatus, event: TaskEvent): TaskStatus {
  const next = TRANSITIONS[status][event];
  if (next === undefined) throw refused(status, event);
  return next;
}

/** The status a new task starts in, or ILLEGAL_TRANSITION naming the event. */
export function initialStatus(event: CreationEvent): TaskStatus {
  const status = STARTS_IN[event];
  if (status === undefined) throw refused(null, event);
  return status;
}
