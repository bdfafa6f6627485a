import type { Session, Task } from '../../../shared/contract';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { TaskService } from '../tasks/taskService';

/** The longest delay a Node timer takes; a later stop is waited for in steps of it (ms). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface IdleStopsDeps {
  bus: EventBus;
  tasks: TaskService;
  /** The sessions whose program runs. */
  live(): Session[];
  /** Stops the session's agent on purpose, for idleness: its task stays where it is. */
  stopIdle(sessionId: string): Promise<unknown>;
  /** `sessions.idleStopMinutes` for the project (0: never), read at each decision. */
  idleStopMinutes(projectId: string): number;
  log: Logger;
  now?: () => number;
}

/**
 * Stops agents that sit idle at their prompt while their task is in Review: kept for follow-ups,
 * but not for ever. An agent is idle since the later of its last state change and its task's move
 * to Review; past `sessions.idleStopMinutes` it is stopped (its session says `stopReason: idle`,
 * its task stays in Review, never Failed) and can be resumed later with its agent's resume argv.
 * One timer waits for the next one due; sessions and tasks changing wake it; nothing polls.
 */
export class IdleStops implements Disposable {
  private timer: { handle: ReturnType<typeof setTimeout>; at: number } | null = null;
  private pending = false;
  private disposed = false;
  /** Sessions being stopped now: not stopped twice. */
  private readonly stopping = new Set<string>();
  private readonly subscription: Disposable;

  constructor(private readonly deps: IdleStopsDeps) {
    this.subscription = deps.bus.subscribe(({ event }) => {
      // settings.changed: a new idle time counts for agents already idle.
      if (event === 'session.state' || event === 'session.changed' || event === 'task.changed' || event === 'settings.changed') this.request();
    });
    this.request();
  }

  /** The moment the session's agent is due to be stopped for idleness, or null when it is not. */
  private dueAt(session: Session, task: Task): number | null {
    if (task.status !== 'review' || session.state !== 'idle') return null;
    const minutes = this.deps.idleStopMinutes(task.projectId);
    if (!(minutes > 0)) return null;
    return Math.max(session.stateAt, task.updatedAt) + minutes * 60_000;
  }

  private request(): void {
    if (this.pending || this.disposed) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.disposed) this.decide();
    });
  }

  private decide(): void {
    const now = (this.deps.now ?? Date.now)();
    let next: number | null = null;
    for (const session of this.deps.live()) {
      if (this.stopping.has(session.id)) continue;
      let task: Task;
      try {
        task = this.deps.tasks.get(session.taskId);
      } catch {
        continue; // deleted: its session is stopped with it
      }
      const due = this.dueAt(session, task);
      if (due === null) continue;
      if (due <= now) this.stop(session);
      else next = Math.min(next ?? due, due);
    }
    this.arm(next, now);
  }

  private stop(session: Session): void {
    this.stopping.add(session.id);
    this.deps.log.info(`stopping the agent of session ${session.id}: idle in review since ${new Date(session.stateAt).toISOString()}`);
    this.deps
      .stopIdle(session.id)
      .catch((error: unknown) => this.deps.log.warn(`stopping idle session ${session.id} failed: ${String(error)}`))
      .finally(() => this.stopping.delete(session.id));
  }

  private arm(at: number | null, now: number): void {
    if (this.timer && this.timer.at === at) return;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    if (at === null) return;
    const handle = setTimeout(() => {
      this.timer = null;
      this.request();
    }, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - now)));
    handle.unref();
    this.timer = { handle, at };
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    void this.subscription.dispose();
  }
}
