import { sqliteTable, text, integer, real, index, primaryKey, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AgentKind, AgentOptions, ContextDoc, TaskPriority, TaskReason, TaskSize, TaskStatus, TaskStep } from '../../../../shared/contract';
import { plans } from './plans';
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
    parentId: text('parent_id').references((): AnySQLiteColumn => tasks.id, { onDelete: 'set null' }),
    estimate: text('estimate'),
    complexity: text('complexity'),
    size: text('size').$type<TaskSize>(),
    contextDocs: text('context_docs', { mode: 'json' }).$type<ContextDoc[]>().notNull().default([]),
    steps: text('steps', { mode: 'json' }).$type<TaskStep[]>().notNull().default([]),
    acceptance: text('acceptance', { mode: 'json' }).$type<string[]>().notNull().default([]),
    optional: integer('optional', { mode: 'boolean' }).notNull().default(false),
    agentOptions: text('agent_options', { mode: 'json' }).$type<AgentOptions>().notNull().default({}),
    agentLabel: text('agent_label'),
    planId: text('plan_id').references(() => plans.id, { onDelete: 'set null' }),
    planKey: text('plan_key'),
    order: real('sort_order').notNull(),
    reason: text('reason', { mode: 'json' }).$type<TaskReason>(),
    /** While its agent waits for a usage limit to reset: when it resets (epoch ms). */
    limitResetAt: integer('limit_reset_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('tasks_project_order').on(t.projectId, t.order), index('tasks_plan').on(t.planId)],
);

/** taskId waits for dependsOnId. Edges read from a plan carry its id, so a re-import can replace them. */
export const taskDeps = sqliteTable(
  'task_deps',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    dependsOnId: text('depends_on_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    planId: text('plan_id').references(() => plans.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.dependsOnId] }), index('task_deps_depends_on').on(t.dependsOnId)],
);
