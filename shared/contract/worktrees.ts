import { z } from 'zod';
import { MAX_PATH_LENGTH } from '../constants';
import { idSchema, timestampSchema } from './common';

/** Where a task runs: its own worktree and branch, or the repository itself on its current branch. */
export const WORKTREE_MODES = ['worktree', 'repository'] as const;
export const worktreeModeSchema = z.enum(WORKTREE_MODES);
export type WorktreeMode = z.infer<typeof worktreeModeSchema>;

export const WORKTREE_STATUSES = ['active', 'archived', 'removed'] as const;
export const worktreeStatusSchema = z.enum(WORKTREE_STATUSES);
export type WorktreeStatus = z.infer<typeof worktreeStatusSchema>;

export const SETUP_STATES = ['pending', 'running', 'done', 'failed'] as const;
export const setupStateSchema = z.enum(SETUP_STATES);
export type SetupState = z.infer<typeof setupStateSchema>;

/** A branch name from a user or a plan; the main side checks it against git's ref rules too. */
export const branchNameSchema = z.string().trim().min(1).max(200);

export const worktreeSchema = z.object({
  id: idSchema,
  taskId: idSchema,
  projectId: idSchema,
  path: z.string(),
  branch: z.string(),
  baseBranch: z.string(),
  /** The base's commit when the worktree was made. */
  baseCommit: z.string(),
  mode: worktreeModeSchema,
  status: worktreeStatusSchema,
  setup: setupStateSchema,
  /** True when Switchyard made the branch (and may delete it on removal). */
  ownsBranch: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Worktree = z.infer<typeof worktreeSchema>;

export const changedFileSchema = z.object({
  path: z.string(),
  /** For a rename or copy, where it came from. */
  oldPath: z.string().optional(),
  /** git's one-letter status: A added, M modified, D deleted, R renamed, C copied, T type changed, U unmerged, ? untracked. */
  status: z.string(),
  additions: z.number().int().nullable(),
  deletions: z.number().int().nullable(),
});
export type ChangedFile = z.infer<typeof changedFileSchema>;

export const worktreeStateSchema = z.object({
  worktree: worktreeSchema,
  /** False when the checkout is gone from disk. */
  exists: z.boolean(),
  head: z.string().nullable(),
  /** Commits on the branch that the base lacks, and the other way round. */
  ahead: z.number().int(),
  behind: z.number().int(),
  dirty: z.array(changedFileSchema),
  conflicts: z.array(z.string()),
});
export type WorktreeState = z.infer<typeof worktreeStateSchema>;

export const savedChangesSchema = z.object({
  ref: z.string(),
  commit: z.string(),
  /** The commit the changes were made on top of. */
  parent: z.string(),
  taskId: z.string().nullable(),
  branch: z.string().nullable(),
  reason: z.string(),
  createdAt: timestampSchema,
});
export type SavedChanges = z.infer<typeof savedChangesSchema>;

export const ORPHAN_KINDS = [
  /** A worktree git knows about that no task owns. */
  'unowned',
  /** A worktree git knows about whose folder is gone (prunable). */
  'stale',
  /** A folder in the project's worktree root that is no worktree of the repository. */
  'folder',
  /** A task's worktree that is gone from disk or from git. */
  'missing',
] as const;
export const orphanSchema = z.object({
  kind: z.enum(ORPHAN_KINDS),
  path: z.string(),
  branch: z.string().nullable(),
  taskId: z.string().nullable(),
  /** Whether it lies inside the project's worktree root (only those can be adopted or cleaned). */
  insideRoot: z.boolean(),
  description: z.string(),
});
export type Orphan = z.infer<typeof orphanSchema>;

export const SETUP_PHASES = ['create', 'copy', 'hydrate', 'script'] as const;
export const setupPhaseSchema = z.enum(SETUP_PHASES);
export type SetupPhase = z.infer<typeof setupPhaseSchema>;

export const worktreeProgressSchema = z.object({
  taskId: idSchema,
  worktreeId: idSchema,
  phase: setupPhaseSchema,
  state: z.enum(['started', 'output', 'done', 'skipped', 'failed']),
  message: z.string(),
  /** For 'output': a piece of the setup script's output. */
  output: z.string().optional(),
  at: timestampSchema,
});
export type WorktreeProgress = z.infer<typeof worktreeProgressSchema>;

export const worktreeActivitySchema = z.object({
  id: z.number().int(),
  worktreeId: idSchema,
  taskId: idSchema,
  kind: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  at: timestampSchema,
});
export type WorktreeActivity = z.infer<typeof worktreeActivitySchema>;

export const pushAvailabilitySchema = z.object({
  available: z.boolean(),
  /** Why not, in a sentence the button can show; null when available. */
  reason: z.string().nullable(),
  remote: z.string().nullable(),
});
export type PushAvailability = z.infer<typeof pushAvailabilitySchema>;

export const diffSchema = z.object({
  baseBranch: z.string(),
  /** The commit the diff is taken from: where the branch left the base. */
  from: z.string(),
  files: z.array(changedFileSchema),
  /** git's unified diff of the committed and uncommitted changes, untracked files included. */
  patch: z.string(),
  truncated: z.boolean(),
});
export type WorktreeDiff = z.infer<typeof diffSchema>;

const taskInput = z.object({ taskId: idSchema }).strict();
const removalOutput = z.object({ worktree: worktreeSchema, saved: savedChangesSchema.nullable() });
const orphanPath = z.string().min(1).max(MAX_PATH_LENGTH);

export const worktreeProcedures = {
  'worktrees.create': {
    input: z
      .object({
        taskId: idSchema,
        baseBranch: branchNameSchema.optional(),
        branch: branchNameSchema.optional(),
        mode: worktreeModeSchema.optional(),
      })
      .strict(),
    output: worktreeSchema,
  },
  'worktrees.get': { input: taskInput, output: worktreeSchema.nullable() },
  'worktrees.list': {
    input: z.object({ projectId: idSchema, includeRemoved: z.boolean().default(false) }).strict(),
    output: z.array(worktreeSchema),
  },
  'worktrees.status': { input: taskInput, output: worktreeStateSchema },
  /** Every worktree of the project that is not removed, with its status. */
  'worktrees.overview': { input: z.object({ projectId: idSchema }).strict(), output: z.array(worktreeStateSchema) },
  'worktrees.root': { input: z.object({ projectId: idSchema }).strict(), output: z.object({ path: z.string() }) },
  'worktrees.remove': {
    input: z.object({ taskId: idSchema, force: z.boolean().default(false) }).strict(),
    output: removalOutput,
  },
  'worktrees.archive': {
    input: z.object({ taskId: idSchema, force: z.boolean().default(false) }).strict(),
    output: removalOutput,
  },
  'worktrees.restore': { input: taskInput, output: worktreeSchema },
  'worktrees.prune': {
    input: z.object({ projectId: idSchema }).strict(),
    output: z.object({ pruned: z.array(z.string()) }),
  },
  'worktrees.saved': {
    input: z.object({ projectId: idSchema, taskId: idSchema.optional() }).strict(),
    output: z.array(savedChangesSchema),
  },
  'worktrees.restoreSaved': {
    input: z.object({ projectId: idSchema, ref: z.string().min(1).max(300) }).strict(),
    output: worktreeSchema,
  },
  'worktrees.orphans': { input: z.object({ projectId: idSchema }).strict(), output: z.array(orphanSchema) },
  'worktrees.adopt': {
    input: z.object({ projectId: idSchema, path: orphanPath, taskId: idSchema.optional() }).strict(),
    output: worktreeSchema,
  },
  'worktrees.clean': {
    input: z.object({ projectId: idSchema, path: orphanPath, force: z.boolean().default(false) }).strict(),
    output: z.object({ path: z.string(), saved: savedChangesSchema.nullable() }),
  },
  'worktrees.activity': { input: taskInput, output: z.array(worktreeActivitySchema) },
  'review.diff': { input: taskInput, output: diffSchema },
  'review.commit': {
    input: z.object({ taskId: idSchema, message: z.string().trim().min(1).max(10_000) }).strict(),
    output: z.object({ commit: z.string(), committed: z.boolean() }),
  },
  'review.rebase': { input: taskInput, output: z.object({ head: z.string() }) },
  'review.merge': {
    input: z
      .object({
        taskId: idSchema,
        strategy: z.enum(['merge', 'squash']),
        message: z.string().trim().min(1).max(10_000).optional(),
        /** After a merge that landed: mark the task done and remove its worktree and branch. */
        finish: z.boolean().default(false),
      })
      .strict(),
    output: z.object({
      branch: z.string(),
      baseBranch: z.string(),
      commit: z.string(),
      /** False when the base already held everything: nothing was merged. */
      merged: z.boolean(),
      /** The branch's commits the merge brought into the base, and the files it changed there. */
      commits: z.number().int(),
      files: z.number().int(),
      removed: z.boolean(),
    }),
  },
  /**
   * Merges the base into the task's branch in its worktree and leaves the conflicts there, then
   * tells the task's agent which files conflict: typed into its running session, or as the message
   * its ended session resumes with. No conflict: the merge is committed and no agent is told.
   */
  'review.askAgentToResolve': {
    input: taskInput,
    output: z.object({
      files: z.array(z.string()),
      /** What the agent was told; null when nothing conflicted. */
      prompt: z.string().nullable(),
      sessionId: z.string().nullable(),
      /** True when the agent was not running and was resumed with the prompt. */
      resumed: z.boolean(),
    }),
  },
  /** Opens the task's worktree in the editor the settings name (worktrees.editor). */
  'review.openInEditor': { input: taskInput, output: z.object({ editor: z.string(), path: z.string() }) },
  'review.pushAvailability': { input: taskInput, output: pushAvailabilitySchema },
  'review.openPullRequest': {
    input: z
      .object({ taskId: idSchema, title: z.string().trim().min(1).max(300).optional(), body: z.string().max(60_000).optional() })
      .strict(),
    output: z.object({ url: z.string() }),
  },
} as const;

export const worktreeEvents = {
  'worktree.changed': z.object({ kind: z.enum(['created', 'updated', 'removed']), worktree: worktreeSchema }),
  'worktree.progress': worktreeProgressSchema,
} as const;
