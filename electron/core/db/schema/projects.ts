import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

export const projects = sqliteTable('projects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Absolute, resolved path of the repository's top level. */
  path: text('path').notNull().unique(),
  baseBranch: text('base_branch').notNull(),
  createdAt: integer('created_at').notNull(),
});
