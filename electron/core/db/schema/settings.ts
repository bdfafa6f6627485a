import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SettingScope } from '../../../../shared/contract';

/** One row per value set by the user; a missing row means "inherit". Values are JSON. */
export const settings = sqliteTable(
  'settings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scope: text('scope').$type<SettingScope>().notNull(),
    /** Empty string for the user scope, so that the unique index covers both scopes. */
    projectId: text('project_id').notNull().default(''),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('settings_scope_project_key').on(t.scope, t.projectId, t.key)],
);

