import type { Session, SessionStopReason, StateChange, TaskReason } from '../../../shared/contract';
import type { UnsavedWrites } from '../db/unsavedWrites';
import type { EventBus } from '../events';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { TaskService } from '../tasks/taskService';
import { nextStatus } from '../tasks/taskTransitions';
import type { HostEvent } from './hostProtocol';
import type { SessionRows } from './sessionRows';
import { crashReason, OutputTail } from './crashReason';
import { taskEventOfExit, taskEventOfState } from './taskFollowsSession';
import type { TranscriptStore } from './transcriptStore';

export interface SessionOutcomeDeps {
  rows: SessionRows;
  bus: EventBus;
  tasks: TaskService;
  lifecycle: TaskLifecycle;
  transcript: TranscriptStore;
  /** The agent side's hold on a session (its hook token), let go once the session ends. */
  agentSessions: { endSession(sessionId: string): void };
  /** Where state changes and exits wait while the storage refuses them (a full disk). */
  unsaved: UnsavedWrites;
}

/** What the sessions' owner knows of a session whose program ended, and what it does once the exit is told. */
export interface ExitWatch {
  /** Forgets the running program; says whether it was stopped on purpose (or went with the app or its host), and why. */
  ended(sessionId: string, hostLost: boolean): { stopped: boolean; stopReason: SessionStopReason | null };
  /** The exit is recorded and told. */
  told(sessionId: string): void;
}

/**
 * What a session's program did, as the host reports it: its state changes and its exit, stored,
 * told on the bus and sent to its task's lifecycle; a crash that fails the task says why.
 */
export class SessionOutcomes {
  /** The last output of each running session, for the reason of a crash. */
  private readonly tails = new OutputTail();
  /** The latest state change of sessions where it waits in `unsaved` (the disk is full). */
  private readonly unsavedStates = new Map<string, StateChange>();

  constructor(
    private readonly deps: SessionOutcomeDeps,
    private readonly watch: ExitWatch,
  ) {}

  /** Output of a running session: its tail is kept for the reason of a crash. */
  heard(sessionId: string, data: string): void {
    this.tails.push(sessionId, data);
  }

  /**
   * Stores a state change and tells everyone. On a full disk the change waits in memory, in
   * order, and is told all the same: nothing on the host's event path throws.
   */
  recordState(sessionId: string, change: StateChange): void {
    const { rows } = this.deps;
    const taskId = rows.taskOf(sessionId);
    if (!taskId) return;
    // The host and the state engine can both see an exit: a state said twice in a row is one change.
    const last = this.unsavedStates.get(sessionId)?.state ?? rows.lastState(sessionId);
    if (last === change.state) return;
    const saved = this.deps.unsaved.run(`the ${change.state} state of session ${sessionId}`, () => {
      rows.saveState(sessionId, change);
      if (this.unsavedStates.get(sessionId) === change) this.unsavedStates.delete(sessionId);
    });
    if (!saved) this.unsavedStates.set(sessionId, change);
    this.deps.bus.emit('session.state', { sessionId, taskId, change });
    const event = taskEventOfState(change, last);
    if (event) this.deps.unsaved.run(`the board column of task ${taskId}`, () => this.deps.lifecycle.send(taskId, event));
  }

  recordExit(event: Extract<HostEvent, { type: 'exited' }>): void {
    const { stopped, stopReason } = this.watch.ended(event.sessionId, event.hostLost === true);
    this.deps.transcript.flush();
    const tail = this.tails.take(event.sessionId);
    const ended = { exitCode: event.exitCode, endedAt: event.at, ...(stopReason ? { stopReason } : {}) };
    this.deps.unsaved.run(`the exit of session ${event.sessionId}`, () => this.deps.rows.markEnded(event.sessionId, ended));
    const stored = this.deps.rows.find(event.sessionId);
    if (!stored) return;
    // What is told is what happened, also while the disk is too full to store it.
    const unsavedState = this.unsavedStates.get(event.sessionId);
    const state = unsavedState && { state: unsavedState.state, stateSource: unsavedState.source, stateAt: unsavedState.at };
    const session: Session = { ...stored, ...state, ...ended };
    const taskEvent = taskEventOfExit(stopped, event);
    this.deps.unsaved.run(`the column of task ${session.taskId} after its session ended`, () =>
      this.deps.lifecycle.send(session.taskId, taskEvent, this.failedFields(session, taskEvent, event, tail)),
    );
    this.deps.bus.emit('session.exited', {
      sessionId: event.sessionId,
      taskId: session.taskId,
      exitCode: event.exitCode,
      signal: event.signal,
    });
    this.deps.bus.emit('session.changed', session);
    this.deps.agentSessions.endSession(event.sessionId);
    this.watch.told(event.sessionId);
  }

  /** A crash that fails its task says why on the task: the exit, how long the agent ran, its last words. */
  private failedFields(session: Session, taskEvent: ReturnType<typeof taskEventOfExit>, exit: { exitCode: number; signal: number | null; at: number }, tail: string): { reason?: TaskReason } {
    if (taskEvent !== 'session.failed') return {};
    const task = this.deps.tasks.get(session.taskId);
    if (nextStatus(task.status, taskEvent) !== 'failed') return {};
    return { reason: crashReason(exit, exit.at - session.startedAt, tail) };
  }
}
