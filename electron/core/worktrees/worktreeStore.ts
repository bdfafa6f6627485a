import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Worktree, WorktreeActivity } from '../../../shared/contract';
import type { Db } from '../db/client';
import { worktreeEvents, worktrees } from '../db/schema';

/** What a new worktree row is made of; its id, status (active) and times are filled in. */
export type NewWorktree = Omit<Worktree, 'id' | 'status' | 'createdAt' | 'updatedAt'>;

/** The rows of worktrees and their activity log. */
export class WorktreeStore {
  constructor(private readonly db: Db) {}

  /** Records a new, active worktree and returns its row. */
  add(fields: NewWorktree): Worktree {
    const now = Date.now();
    const row: Worktree = { id: randomUUID(), ...fields, status: 'active', createdAt: now, updatedAt: now };
    this.db.insert(worktrees).values(row).run();
    return row;
  }

  update(id: string, patch: Partial<Omit<Worktree, 'id'>>): Worktree {
    this.db
      .update(worktrees)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(worktrees.id, id))
      .run();
    return this.db.select().from(worktrees).where(eq(worktrees.id, id)).get()!;
  }

  /** The task's worktree that is not removed, if any. */
  current(taskId: string): Worktree | undefined {
    return this.db
      .select()
      .from(worktrees)
      .where(and(eq(worktrees.taskId, taskId), ne(worktrees.status, 'removed')))
      .orderBy(desc(worktrees.createdAt))
      .get();
  }

  /** The task's most recent worktree, removed or not. */
  latest(taskId: string): Worktree | undefined {
    return this.db.select().from(worktrees).where(eq(worktrees.taskId, taskId)).orderBy(desc(worktrees.createdAt)).get();
  }

  list(projectId: string, includeRemoved: boolean): Worktree[] {
    const where = includeRemoved
      ? eq(worktrees.projectId, projectId)
      : and(eq(worktrees.projectId, projectId), ne(worktrees.status, 'removed'));
    return this.db.select().from(worktrees).where(where).orderBy(asc(worktrees.createdAt)).all();
  }

  log(worktree: Pick<Worktree, 'id' | 'taskId'>, kind: string, message: string, details?: Record<string, unknown>): void {
    this.db
      .insert(worktreeEvents)
      .values({
        worktreeId: worktree.id,
        taskId: worktree.taskId,
        kind,
        message,
        details: details ? JSON.stringify(details) : null,
        at: Date.now(),
      })
      .run();
  }

  activity(taskId: string): WorktreeActivity[] {
    return this.db
      .select()
      .from(worktreeEvents)
      .where(eq(worktreeEvents.taskId, taskId))
      .orderBy(asc(worktreeEvents.id))
      .all()
      .map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null }));
  }
}
