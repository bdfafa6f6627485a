import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { TaskStatus } from '../../../../shared/contract/tasks';
import { sessions } from './sessions';
import { tasks } from './tasks';

/**
 * Where a session's agent records its usage (Claude Code's transcript, Codex's rollout) and how far
 * it has been read: the next read starts at `offset`, the start of a line not yet complete.
 */
export const usageSources = sqliteTable('usage_sources', {
  sessionId: text('session_id')
    .primaryKey()
    .references(() => sessions.id, { onDelete: 'cascade' }),
  /** Which reader understands the file. */
  format: text('format').$type<'claude-transcript' | 'codex-rollout'>().notNull(),
  path: text('path').notNull(),
  offset: integer('offset').notNull(),
  /** What the reader carries between reads (the last messages counted, a cumulative total), JSON. */
  carry: text('carry').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Tokens a session used, per model and hour (epoch ms of the hour's start, from the record's timestamps). */
export const usageBuckets = sqliteTable(
  'usage_buckets',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    hour: integer('hour').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cacheWriteTokens: integer('cache_write_tokens').notNull(),
    cacheReadTokens: integer('cache_read_tokens').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.model, t.hour] }), index('usage_buckets_hour').on(t.hour)],
);

/** Every status a task entered, and when: the lead time from Ready to Review is read from it. */
export const taskStatusChanges = sqliteTable(
  'task_status_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    status: text('status').$type<TaskStatus>().notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('task_status_changes_task').on(t.taskId, t.at)],
);
