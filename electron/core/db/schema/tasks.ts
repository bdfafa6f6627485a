import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import type { AgentKind, TaskPriority, TaskStatus } from '../../../../shared/contract';
import { projects } from './projects';

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    prompt: text('prompt').notNull().default(''),
    status: text('status').$type<TaskStatus>().notNull(),
    priority: text('priority').$type<TaskPriority>().notNull(),
    agentKind: text('agent_kind').$type<AgentKind>().notNull(),
    phase: text('phase'),
    order: real('sort_order').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('tasks_project_order').on(t.projectId, t.order)],
);
