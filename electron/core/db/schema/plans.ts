import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { projects } from './projects';

/** One row per imported plan; its tasks point back at it, a re-import updates them. */
export const plans = sqliteTable(
  'plans',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The file it was read from or the dropped file's name; null for pasted text. */
    path: text('path'),
    title: text('title'),
    /** sha256 of the decoded text, to tell an unchanged re-import at once. */
    contentHash: text('content_hash').notNull(),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [index('plans_project').on(t.projectId)],
);
