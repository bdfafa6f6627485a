import { z } from 'zod';
import { MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../constants';
import { idSchema, timestampSchema } from './common';

export const TASK_STATUSES = ['backlog', 'ready', 'running', 'needs_input', 'review', 'done', 'failed'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** Highest first: the scheduler starts urgent work before low-priority work. */
export const TASK_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

export const AGENT_KINDS = ['claude-code', 'codex', 'gemini', 'aider', 'custom'] as const;
export const agentKindSchema = z.enum(AGENT_KINDS);
export type AgentKind = z.infer<typeof agentKindSchema>;

const titleSchema = z.string().trim().min(1, 'a task needs a title').max(MAX_TITLE_LENGTH);
const promptSchema = z.string().max(MAX_PROMPT_LENGTH);
const phaseSchema = z.string().trim().max(200).nullable();

export const taskSchema = z.object({
  id: idSchema,
  projectId: idSchema,
  title: z.string(),
  prompt: z.string(),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  agentKind: agentKindSchema,
  phase: z.string().nullable(),
  /** Position within the board; fractional so that a drop between two cards writes one row. */
  order: z.number(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Task = z.infer<typeof taskSchema>;

export const taskPatchSchema = z
  .object({
    title: titleSchema,
    prompt: promptSchema,
    status: taskStatusSchema,
    priority: taskPrioritySchema,
    agentKind: agentKindSchema,
    phase: phaseSchema,
    order: z.number().finite(),
  })
  .partial()
  .strict();
export type TaskPatch = z.infer<typeof taskPatchSchema>;

export const taskProcedures = {
  'tasks.create': {
    input: z
      .object({
        projectId: idSchema,
        title: titleSchema,
        prompt: promptSchema.default(''),
        status: taskStatusSchema.default('backlog'),
        priority: taskPrioritySchema.default('normal'),
        agentKind: agentKindSchema.optional(),
        phase: phaseSchema.default(null),
      })
      .strict(),
    output: taskSchema,
  },
  'tasks.update': {
    input: z.object({ id: idSchema, patch: taskPatchSchema }).strict(),
    output: taskSchema,
  },
  'tasks.delete': { input: z.object({ id: idSchema }).strict(), output: z.object({ id: idSchema }) },
  'tasks.list': { input: z.object({ projectId: idSchema }).strict(), output: z.array(taskSchema) },
  'tasks.get': { input: z.object({ id: idSchema }).strict(), output: taskSchema },
} as const;

export const taskEvents = {
  'task.changed': z.discriminatedUnion('kind', [
    z.object({ kind: z.enum(['created', 'updated']), task: taskSchema }),
    z.object({ kind: z.literal('deleted'), id: idSchema, projectId: idSchema }),
  ]),
} as const;
