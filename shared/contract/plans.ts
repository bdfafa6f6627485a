import { z } from 'zod';
import { MAX_PATH_LENGTH, MAX_PLAN_TASKS, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../constants';
import { idSchema, pathSchema, timestampSchema } from './common';
import { agentKindSchema, contextDocSchema, taskPrioritySchema, taskSizeSchema } from './tasks';

/** Something the importer did not understand or had to decide; `line` is 1-based in the file. */
export const planWarningSchema = z.object({ line: z.number().int().positive().optional(), message: z.string() });
export type PlanWarning = z.infer<typeof planWarningSchema>;

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
  /** Keys of the tasks this one waits for, from "Depends On", the other side's "Blocks", tables. */
  dependsOn: z.array(z.string()),
  /** Keys the plan says this task blocks (already folded into their dependsOn). */
  blocks: z.array(z.string()),
  parallelWith: z.array(z.string()),
  estimate: z.string().nullable(),
  complexity: z.string().nullable(),
  size: taskSizeSchema.nullable(),
  prompt: z.string(),
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
});
export type PlanPhase = z.infer<typeof planPhaseSchema>;

/** task waits for dependsOn; both are keys of the plan. */
export const planEdgeSchema = z.object({ task: z.string(), dependsOn: z.string() });
export type PlanEdge = z.infer<typeof planEdgeSchema>;

export const parsedPlanSchema = z.object({
  title: z.string().nullable(),
  tasks: z.array(plannedTaskSchema),
  edges: z.array(planEdgeSchema),
  phases: z.array(planPhaseSchema),
  warnings: z.array(planWarningSchema),
  /** Each dependency loop, as the keys around it; a plan with one cannot be imported. */
  cycles: z.array(z.array(z.string())),
});
export type ParsedPlan = z.infer<typeof parsedPlanSchema>;

const planKeySchema = z.string().min(1).max(100);

/** What the user fixed in the preview, applied over what the importer read, by the plan's keys. */
export const planEditsSchema = z
  .object({
    /** Tasks not to import; edges to them are dropped. */
    exclude: z.array(planKeySchema).max(MAX_PLAN_TASKS).default([]),
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

export const planImportResultSchema = z.object({
  planId: idSchema,
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  /** Tasks of an earlier import that this version no longer lists; they are kept, not deleted. */
  notInPlan: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  warnings: z.array(planWarningSchema),
});
export type PlanImportResult = z.infer<typeof planImportResultSchema>;

export const planProcedures = {
  /** Reads and checks a plan; nothing is written. */
  'plans.preview': { input: planSourceSchema, output: parsedPlanSchema },
  /** Writes the plan's tasks and edges in one transaction; a re-import updates instead of duplicating. */
  'plans.import': { input: planSourceSchema, output: planImportResultSchema },
  'plans.list': { input: z.object({ projectId: idSchema }).strict(), output: z.array(planSchema) },
} as const;
