import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import type { SetupState, WorktreeMode, WorktreeStatus } from '../../../../shared/contract';
import { projects } from './projects';
import { tasks } from './tasks';

/**
 * One row per checkout a task has had. A removed worktree keeps its row (status 'removed') so that
 * its activity stays readable; a task has at most one row that is not removed.
 */
export const worktrees = sqliteTable(
  'worktrees',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** Absolute, resolved path of the checkout (the repository itself in 'repository' mode). */
    path: text('path').notNull(),
    branch: text('branch').notNull(),
    baseBranch: text('base_branch').notNull(),
    baseCommit: text('base_commit').notNull(),
    mode: text('mode').$type<WorktreeMode>().notNull(),
    status: text('status').$type<WorktreeStatus>().notNull(),
    setup: text('setup').$type<SetupState>().notNull(),
    ownsBranch: integer('owns_branch', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('worktrees_task').on(t.taskId), index('worktrees_project_status').on(t.projectId, t.status)],
);

/** The activity log of worktrees: creation, each setup phase, saves, merges, removal. */
export const worktreeEvents = sqliteTable(
  'worktree_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    worktreeId: text('worktree_id')
      .notNull()
      .references(() => worktrees.id, { onDelete: 'cascade' }),
    taskId: text('task_id').notNull(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    /** JSON object, or null. */
    details: text('details'),
    at: integer('at').notNull(),
  },
  (t) => [index('worktree_events_worktree').on(t.worktreeId, t.at)],
);
