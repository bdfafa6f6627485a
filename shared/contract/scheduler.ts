import { z } from 'zod';
import { idSchema } from './common';

export const schedulerStatusSchema = z.object({
  projectId: idSchema,
  /** The run is on: ready tasks start by themselves. */
  active: z.boolean(),
  /** Tasks with a live agent now. */
  running: z.number().int().nonnegative(),
  /** Tasks that will start when a slot frees up or their dependencies finish. */
  waiting: z.number().int().nonnegative(),
  /** Tasks that will not start because a task they need failed for good. */
  blocked: z.array(z.object({ taskId: idSchema, by: z.array(idSchema) })),
  /** The last task that could not be started, and why. */
  lastError: z.object({ taskId: idSchema, code: z.string(), message: z.string() }).nullable(),
  /** Why the run starts nothing more: the project's usage budget is reached. */
  budgetStop: z.string().nullable().optional(),
});
export type SchedulerStatus = z.infer<typeof schedulerStatusSchema>;

const projectInput = z.object({ projectId: idSchema }).strict();

export const schedulerProcedures = {
  /** Turn the run on: ready tasks start, in dependency order, up to the limits. */
  'scheduler.run': { input: projectInput, output: schedulerStatusSchema },
  /** Turn it off: nothing new starts; running agents go on. */
  'scheduler.pause': { input: projectInput, output: schedulerStatusSchema },
  'scheduler.status': { input: projectInput, output: schedulerStatusSchema },
} as const;

export const schedulerEvents = {
  'scheduler.changed': schedulerStatusSchema,
} as const;
