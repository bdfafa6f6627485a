import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { projects } from './projects';

/** A project whose run is on: the scheduler starts its ready tasks. Kept so a restart resumes it. */
export const schedulerRuns = sqliteTable('scheduler_runs', {
  projectId: text('project_id')
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  active: integer('active', { mode: 'boolean' }).notNull(),
  changedAt: integer('changed_at').notNull(),
});
