import { z } from 'zod';
import { MAX_PATH_LENGTH, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../constants';
import { idSchema, timestampSchema } from './common';
import { AGENT_KINDS, TASK_PRIORITIES, TASK_SIZES, TASK_STATUSES } from './taskKinds';

export { AGENT_KINDS, TASK_PRIORITIES, TASK_SIZES, TASK_STATUSES } from './taskKinds';

export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const taskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof taskPrioritySchema>;

export const agentKindSchema = z.enum(AGENT_KINDS);
export type AgentKind = z.infer<typeof agentKindSchema>;

export const taskSizeSchema = z.enum(TASK_SIZES);
export type TaskSize = z.infer<typeof taskSizeSchema>;

/** Something the agent must receive with its prompt: a file of the repository, or text. */
export const contextDocSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(MAX_PATH_LENGTH) }).strict(),
  z.object({ kind: z.literal('text'), title: z.string().max(MAX_TITLE_LENGTH).optional(), text: z.string().max(MAX_PROMPT_LENGTH) }).strict(),
]);
export type ContextDoc = z.infer<typeof contextDocSchema>;

/** Per-task options for the agent adapter (model, flags); opaque here, read by the adapter. */
export const agentOptionsSchema = z.record(z.string().max(100), z.unknown());
export type AgentOptions = z.infer<typeof agentOptionsSchema>;

/**
 * Why a task is where it is: a run could not start it — `retrying` (the next attempt is due at
 * `retryAt`), `failed` (every attempt failed) or `blocked` (it waits for the user: its agent is not
 * installed) —; its agent crashed (`crashed`, code AGENT_CRASHED, `attempts` 0: a run may start it
 * again, as the retries allow); or its agent hit a usage limit (`usage_limit`: the agent's own words,
 * and `retryAt` the reset it waits for); or it could have started while no app, serve or run was
 * running (`waited_for_app`, code WAITED_FOR_APP: how long it waited, and whether it starts now).
 * A move to another status clears it.
 */
export const TASK_REASON_KINDS = ['retrying', 'failed', 'blocked', 'crashed', 'usage_limit', 'waited_for_app'] as const;
export const taskReasonSchema = z.object({
  kind: z.enum(TASK_REASON_KINDS),
  /** The error code of the last attempt (AGENT_NOT_FOUND, WORKTREE_SETUP_FAILED, …) and its message. */
  code: z.string(),
  message: z.string(),
  /** Starts that failed in a row. */
  attempts: z.number().int().nonnegative(),
  /** Epoch ms of the next attempt while retrying, else null. */
  retryAt: timestampSchema.nullable(),
});
export type TaskReason = z.infer<typeof taskReasonSchema>;

const titleSchema = z.string().trim().min(1, 'a task needs a title').max(MAX_TITLE_LENGTH);
const promptSchema = z.string().max(MAX_PROMPT_LENGTH);
const phaseSchema = z.string().trim().max(200).nullable();
/** Free text as the plan says it ("4-6 hours", "High"); the graph reads hours out of estimates. */
const shortTextSchema = z.string().trim().max(200).nullable();

/** One item of a task's checklist, as its plan wrote it: "3/12" on the card counts the done ones. */
export const taskStepSchema = z.object({
  /** The plan's id for the step ("1.2.3") when it gives one, else the task's key and the step's number. */
  key: z.string(),
  text: z.string(),
  done: z.boolean(),
  optional: z.boolean(),
});
export type TaskStep = z.infer<typeof taskStepSchema>;

export const taskSchema = z.object({
  id: idSchema,
  projectId: idSchema,
  title: z.string(),
  prompt: z.string(),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  agentKind: agentKindSchema,
  phase: z.string().nullable(),
  /** The task this one is a step of, if any. */
  parentId: idSchema.nullable(),
  estimate: z.string().nullable(),
  complexity: z.string().nullable(),
  size: taskSizeSchema.nullable(),
  contextDocs: z.array(contextDocSchema),
  /** The checklist under it in its plan, with what is ticked. */
  steps: z.array(taskStepSchema),
  /** What shows it is done (validation, acceptance criteria, test strategy), shown on the card. */
  acceptance: z.array(z.string()),
  /** The plan marks it optional: worth doing, not required. */
  optional: z.boolean(),
  agentOptions: agentOptionsSchema,
  /** The assignee as the plan wrote it ("Claude Code (Opus)", "Cursor"), kept when no kind fits. */
  agentLabel: z.string().nullable(),
  /** The plan the task came from, and the plan's own id for it ("2.3"), if it was imported. */
  planId: idSchema.nullable(),
  planKey: z.string().nullable(),
  /** Position within the board; fractional so that a drop between two cards writes one row. */
  order: z.number(),
  /** Why it is where it is (a start that failed, a crash, a usage limit), while that holds. */
  reason: taskReasonSchema.nullable(),
  /**
   * Epoch ms at which the usage limit its agent hit resets, while the task waits for it (in Ready):
   * the run starts no agent of that kind before then, and resumes this one's conversation after.
   */
  limitResetAt: timestampSchema.nullable(),
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
    parentId: idSchema.nullable(),
    estimate: shortTextSchema,
    complexity: shortTextSchema,
    size: taskSizeSchema.nullable(),
    contextDocs: z.array(contextDocSchema).max(100),
    agentOptions: agentOptionsSchema,
  })
  .partial()
  .strict();
export type TaskPatch = z.infer<typeof taskPatchSchema>;

/** taskId waits for dependsOnId. */
export const dependencyEdgeSchema = z.object({ taskId: idSchema, dependsOnId: idSchema });
export type DependencyEdge = z.infer<typeof dependencyEdgeSchema>;

export const taskGraphNodeSchema = z.object({
  id: idSchema,
  /** Dependencies not done yet: what keeps the task from being ready. */
  blockedBy: z.array(idSchema),
  /** Tasks that wait for this one. */
  blocks: z.array(idSchema),
  /** Not started yet (backlog or ready), and every dependency done. */
  ready: z.boolean(),
});
export type TaskGraphNode = z.infer<typeof taskGraphNodeSchema>;

export const criticalPathSchema = z.object({
  taskIds: z.array(idSchema),
  /** Sum of the estimates in hours when the plan gave estimates, else the number of tasks. */
  length: z.number().nonnegative(),
  unit: z.enum(['hours', 'tasks']),
});
export type CriticalPath = z.infer<typeof criticalPathSchema>;

export const taskGraphSchema = z.object({
  edges: z.array(dependencyEdgeSchema),
  nodes: z.array(taskGraphNodeSchema),
  /** Every task, dependencies first; ties by priority, then board order. */
  order: z.array(idSchema),
  criticalPath: criticalPathSchema,
});
export type TaskGraph = z.infer<typeof taskGraphSchema>;

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
        parentId: idSchema.nullable().default(null),
        estimate: shortTextSchema.default(null),
        complexity: shortTextSchema.default(null),
        size: taskSizeSchema.nullable().default(null),
        contextDocs: z.array(contextDocSchema).max(100).default([]),
        agentOptions: agentOptionsSchema.default({}),
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
  /** Makes taskId wait for dependsOnId; refused with CYCLE when that would close a loop. */
  'tasks.addDependency': { input: dependencyEdgeSchema.strict(), output: dependencyEdgeSchema },
  'tasks.removeDependency': {
    input: dependencyEdgeSchema.strict(),
    output: z.object({ removed: z.boolean() }),
  },
  'tasks.dependencies': { input: z.object({ projectId: idSchema }).strict(), output: z.array(dependencyEdgeSchema) },
  /** What the board and the graph view need: edges, per-task readiness, order and critical path. */
  'tasks.graph': { input: z.object({ projectId: idSchema }).strict(), output: taskGraphSchema },
} as const;

export const taskEvents = {
  'task.changed': z.discriminatedUnion('kind', [
    z.object({ kind: z.enum(['created', 'updated']), task: taskSchema }),
    z.object({ kind: z.literal('deleted'), id: idSchema, projectId: idSchema }),
  ]),
  /** The project's dependency edges changed: fetch tasks.graph again. */
  'task.dependenciesChanged': z.object({ projectId: idSchema }),
} as const;
