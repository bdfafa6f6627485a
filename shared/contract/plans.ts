import { z } from 'zod';
import { MAX_PATH_LENGTH, MAX_PLAN_TASKS, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../constants';
import { idSchema, pathSchema, timestampSchema } from './common';
import { agentKindSchema, contextDocSchema, taskPrioritySchema, taskSizeSchema, taskStatusSchema, taskStepSchema } from './tasks';

/** Something the importer did not understand or had to decide; `line` is 1-based in the file. */
export const planWarningSchema = z.object({ line: z.number().int().positive().optional(), message: z.string() });
export type PlanWarning = z.infer<typeof planWarningSchema>;

/** Which tool's format a plan was read as; "markdown" is the general reader. */
export const PLAN_FORMATS = ['task-master', 'spec-kit', 'kiro', 'markdown'] as const;
export const planFormatSchema = z.enum(PLAN_FORMATS);
export type PlanFormat = z.infer<typeof planFormatSchema>;

/** One task as the importer read it from a plan, before anything is written. */
export const plannedTaskSchema = z.object({
  /** The plan's own id ("2.3", "T-12") when it has one, else one made up in reading order ("#4"). */
  key: z.string(),
  keyFromPlan: z.boolean(),
  title: z.string(),
  phase: z.string().nullable(),
  /** The key of the task this one is a numbered step of. */
  parentKey: z.string().nullable(),
  /** The agent kind the assignee names, or null when none fits (see agentLabel and the warnings). */
  agent: agentKindSchema.nullable(),
  agentLabel: z.string().nullable(),
  priority: taskPrioritySchema,
  done: z.boolean(),
  /** The model the assignee names ("Claude Code (Opus)" → "opus"), for the agent's own flag; null for its default. */
  model: z.string().nullable(),
  /** Marked optional by the plan (Kiro's "- [ ]*", Task Master's deferred): imported, worth doing, not required. */
  optional: z.boolean(),
  /** Marked as one that may run beside the others of its phase (spec-kit's "[P]"); never chained to another such task. */
  parallel: z.boolean(),
  /** The user story the plan files it under (spec-kit's "[US1]"), else null. */
  story: z.string().nullable(),
  /**
   * Keys of the tasks this one waits for: every edge the import creates, those the plan states
   * ("Depends On", the other side's "Blocks", tables) and those derived from its prose (`derived`).
   */
  dependsOn: z.array(z.string()),
  /** The stated ones alone; the derived ones are in the plan's `derived`, each with its sentence. */
  statedDependsOn: z.array(z.string()),
  /** Keys the plan says this task blocks (already folded into their dependsOn). */
  blocks: z.array(z.string()),
  parallelWith: z.array(z.string()),
  estimate: z.string().nullable(),
  complexity: z.string().nullable(),
  size: taskSizeSchema.nullable(),
  prompt: z.string(),
  /** The checklist under the task, with what is ticked. */
  steps: z.array(taskStepSchema),
  /** What shows the task is done: its validation, acceptance criteria, test strategy. Also given to the agent in the prompt. */
  acceptance: z.array(z.string()),
  contextDocs: z.array(contextDocSchema),
  line: z.number().int().positive(),
});
export type PlannedTask = z.infer<typeof plannedTaskSchema>;

export const planPhaseSchema = z.object({
  name: z.string(),
  /** "Phase 3" → 3, so that "All Phase 2-4 tasks" can be resolved. */
  number: z.number().nullable(),
  done: z.boolean(),
  line: z.number().int().positive(),
  taskCount: z.number().int().nonnegative(),
  /** The phase's success criteria, checkpoints and deliverables: how to tell the phase is done. */
  acceptance: z.array(z.string()),
});
export type PlanPhase = z.infer<typeof planPhaseSchema>;

/** task waits for dependsOn; both are keys of the plan. */
export const planEdgeSchema = z.object({ task: z.string(), dependsOn: z.string() });
export type PlanEdge = z.infer<typeof planEdgeSchema>;

/**
 * An order the plan states in prose rather than per task ("Phase 2 blocks all user stories", a
 * "Critical Path: A → B"), or that its format implies (spec-kit runs a phase's tasks without "[P]"
 * in order): `to` waits for `from`. Both are phase names (kind "phase") or task keys (kind "task").
 */
export const derivedEdgeSchema = z.object({
  /** "from→to": what the preview's edits name to drop it. */
  id: z.string(),
  kind: z.enum(['phase', 'task']),
  from: z.string(),
  to: z.string(),
  /** The sentence it came from, as the plan wrote it. */
  because: z.string(),
  line: z.number().int().positive().optional(),
  /** The task edges it makes (task waits for dependsOn), already in the tasks' dependsOn. */
  edges: z.array(planEdgeSchema),
});
export type DerivedEdge = z.infer<typeof derivedEdgeSchema>;

export const parsedPlanSchema = z.object({
  title: z.string().nullable(),
  format: planFormatSchema,
  tasks: z.array(plannedTaskSchema),
  edges: z.array(planEdgeSchema),
  phases: z.array(planPhaseSchema),
  warnings: z.array(planWarningSchema),
  /** Each dependency loop, as the keys around it; a plan with one cannot be imported. */
  cycles: z.array(z.array(z.string())),
  derived: z.array(derivedEdgeSchema),
  /** Phases whose order the plan does not state: the preview offers to run them in order. */
  unorderedPhases: z.boolean(),
  /**
   * Agents the plan's tasks run with (their own, else the project's default) that are not
   * installed here: those tasks cannot start until they are. Filled in by the preview.
   */
  missingAgents: z.array(agentKindSchema),
});
export type ParsedPlan = z.infer<typeof parsedPlanSchema>;

const planKeySchema = z.string().min(1).max(100);

/** What the user fixed in the preview, applied over what the importer read, by the plan's keys. */
export const planEditsSchema = z
  .object({
    /** Tasks not to import; edges to them are dropped. */
    exclude: z.array(planKeySchema).max(MAX_PLAN_TASKS).default([]),
    /** Derived orders (their ids) not to import. */
    dropDerived: z.array(z.string().max(500)).max(MAX_PLAN_TASKS).default([]),
    /** Each phase waits for the one before it, for a plan that does not state their order. */
    phasesInOrder: z.boolean().default(false),
    tasks: z
      .record(
        planKeySchema,
        z
          .object({
            title: z.string().trim().min(1).max(MAX_TITLE_LENGTH),
            prompt: z.string().max(MAX_PROMPT_LENGTH),
            phase: z.string().trim().max(200).nullable(),
            agent: agentKindSchema.nullable(),
            priority: taskPrioritySchema,
            done: z.boolean(),
            size: taskSizeSchema.nullable(),
            estimate: z.string().trim().max(200).nullable(),
            /** Replaces the task's dependencies (keys of the plan). */
            dependsOn: z.array(planKeySchema).max(MAX_PLAN_TASKS),
          })
          .partial()
          .strict(),
      )
      .default({}),
  })
  .strict();
export type PlanEdits = z.infer<typeof planEditsSchema>;

/** A plan comes from a file the main side reads, or from text the client sends (a dropped file). */
const planSourceSchema = z
  .object({
    projectId: idSchema,
    path: pathSchema.optional(),
    content: z.string().optional(),
    fileName: z.string().trim().min(1).max(MAX_PATH_LENGTH).optional(),
    edits: planEditsSchema.optional(),
  })
  .strict()
  .refine((s) => (s.path === undefined) !== (s.content === undefined), 'give either path or content, not both');
export type PlanSource = z.infer<typeof planSourceSchema>;

export const planSchema = z.object({
  id: idSchema,
  projectId: idSchema,
  /** The file it was read from, or the name of the dropped file; null for pasted text. */
  path: z.string().nullable(),
  title: z.string().nullable(),
  contentHash: z.string(),
  importedAt: timestampSchema,
});
export type Plan = z.infer<typeof planSchema>;

/** What a plan says about a task, named as the dry run's JSON names it; `status` is the plan saying it is done. */
export const PLAN_TASK_FIELDS = [
  'title',
  'prompt',
  'phase',
  'priority',
  'agent',
  'model',
  'estimate',
  'complexity',
  'size',
  'contextDocs',
  'key',
  'steps',
  'acceptance',
  'optional',
  'parent',
  'status',
] as const;
export const planTaskFieldSchema = z.enum(PLAN_TASK_FIELDS);
export type PlanTaskField = z.infer<typeof planTaskFieldSchema>;

const reimportedTaskSchema = z.object({
  id: idSchema,
  /** The task's key in the plan. */
  key: z.string(),
  title: z.string(),
});

export const planImportResultSchema = z.object({
  planId: idSchema,
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  /** Tasks of an earlier import that this version no longer lists; they are kept, not deleted. */
  notInPlan: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  warnings: z.array(planWarningSchema),
  /** Each task of an earlier import that this one changed, with what changed. */
  updatedTasks: z.array(reimportedTaskSchema.extend({ fields: z.array(planTaskFieldSchema) })),
  /**
   * Tasks that have started (running, waiting, in review, done or failed) where the plan now says
   * something else about how to run them (agent, model, prompt, acceptance, priority): they keep
   * what they started with, and `fields` says what the plan would have changed.
   */
  keptTasks: z.array(reimportedTaskSchema.extend({ status: taskStatusSchema, fields: z.array(planTaskFieldSchema) })),
});
export type PlanImportResult = z.infer<typeof planImportResultSchema>;

export const planProcedures = {
  /** Reads and checks a plan; nothing is written. */
  'plans.preview': { input: planSourceSchema, output: parsedPlanSchema },
  /** Writes the plan's tasks and edges in one transaction; a re-import updates instead of duplicating. */
  'plans.import': { input: planSourceSchema, output: planImportResultSchema },
  'plans.list': { input: z.object({ projectId: idSchema }).strict(), output: z.array(planSchema) },
} as const;
