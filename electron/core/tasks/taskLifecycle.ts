import { WRITE_TRANSACTION } from '../db/client';
import { eq } from 'drizzle-orm';
import type { Task } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { tasks } from '../db/schema';
import type { EventBus } from '../events';
import { nextStatus, type TaskEvent } from './taskTransitions';

/** Fields written in the same change as a move: the order of a dropped card, what a re-imported plan says. */
export type MoveFields = Partial<Omit<Task, 'id' | 'projectId' | 'status' | 'createdAt' | 'updatedAt'>>;

/**
 * The one writer of a task's status: every origin (the user, the scheduler, a session, a merge, a
 * plan import) sends it an event, and the transition table decides where the task goes.
 */
export class TaskLifecycle {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * Moves the task by the event: reads its status, looks the move up (ILLEGAL_TRANSITION when the
   * table has none, and nothing is written), writes it with `fields` and announces the task. An
   * event that keeps the status, with no fields, writes and announces nothing.
   */
  send(taskId: string, event: TaskEvent, fields: MoveFields = {}): Task {
    const { task, moved } = this.db.transaction((tx) => {
      const row = tx.select().from(tasks).where(eq(tasks.id, taskId)).get();
      if (!row) throw new SwitchyardError('NOT_FOUND', `no task with id ${taskId}`, { id: taskId });
      if (this.moveIn(tx, row, event, fields) === row) return { task: row, moved: false };
      return { task: tx.select().from(tasks).where(eq(tasks.id, taskId)).get()!, moved: true };
    }, WRITE_TRANSACTION);
    if (moved) this.bus.emit('task.changed', { kind: 'updated', task });
    return task;
  }

  /**
   * The same move inside the caller's transaction, for a task the caller has read: returns the row
   * as written (the task itself when nothing changes). The caller announces it once committed.
   */
  moveIn(tx: Pick<Db, 'update'>, task: Task, event: TaskEvent, fields: MoveFields = {}, at = Date.now()): Task {
    const status = nextStatus(task.status, event);
    if (status === task.status && Object.keys(fields).length === 0) return task;
    // The reason and a usage limit's wait belong to the status they explain: a move elsewhere
    // clears them unless the event brings them.
    const kept = <K extends 'reason' | 'limitResetAt'>(key: K): Task[K] =>
      fields[key] !== undefined ? (fields[key] as Task[K]) : status === task.status ? task[key] : null;
    const reason = kept('reason');
    const limitResetAt = kept('limitResetAt');
    tx.update(tasks)
      .set({ ...fields, reason, limitResetAt, status, updatedAt: at })
      .where(eq(tasks.id, task.id))
      .run();
    return { ...task, ...fields, reason, limitResetAt, status, updatedAt: at };
  }
}
