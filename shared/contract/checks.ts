import { z } from 'zod';
import { idSchema } from './common';

export const CHECK_STATUSES = ['running', 'passed', 'failed'] as const;
export const checkStatusSchema = z.enum(CHECK_STATUSES);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/**
 * The last run of a project's check command in a task's worktree. Results are kept by the tree
 * the command saw (the worktree's files as a git tree: uncommitted and untracked changes
 * included, ignored files not; the commit's own tree when nothing is changed) and the command, so
 * that checking an unchanged tree again answers at once, marked `cached`.
 */
export const checkResultSchema = z.object({
  taskId: idSchema,
  command: z.string(),
  /** The git tree object of the worktree's files when the check ran. */
  tree: z.string(),
  status: checkStatusSchema,
  /** One line: the last line the command printed, or how it ended. */
  summary: z.string(),
  /** The end of what it printed (stdout and stderr together). */
  output: z.string(),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** Epoch ms when the run finished; null while running. */
  finishedAt: z.number().int().nullable(),
  /** True when the result was taken from an earlier run on the same tree instead of running again. */
  cached: z.boolean(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const checkProcedures = {
  /** The task's last check, or null when none ran. */
  'checks.get': { input: z.object({ taskId: idSchema }).strict(), output: checkResultSchema.nullable() },
  /** Checks the task's worktree now (at once from the cache when its tree was checked before). */
  'checks.run': { input: z.object({ taskId: idSchema }).strict(), output: checkResultSchema },
} as const;

export const checkEvents = {
  /** A task's check started or finished. */
  'check.changed': checkResultSchema,
} as const;
