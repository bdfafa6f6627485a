import type { Project, SavedChanges, Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { saveCommit, saveWorkingTree } from '../git/snapshot';
import { baseRefOf, refExists, refHeads, unmergedCommits, workingTreeChanges } from './worktreeInspection';
import type { WorktreeStore } from './worktreeStore';

/** How many dirty paths a WORKTREE_DIRTY error lists (the status call gives all of them). */
export const DIRTY_PATHS_IN_ERROR = 50;

export interface GuardOptions {
  /** The user confirmed: save the work and go on. */
  force: boolean;
  /** Whether the worktree has a checkout on disk whose uncommitted changes count. */
  checkout: boolean;
  /** Whether commits of the branch count (the branch is about to be deleted). */
  branchWork: boolean;
  /** What is about to happen, for the saved commit's message ("removal", "archive"). */
  reason: string;
}

/**
 * The guard before anything that drops a checkout or a branch: refuses (WORKTREE_DIRTY) when the
 * checkout has uncommitted changes, or the branch has commits that are nowhere else; with `force`,
 * saves them under refs/switchyard/saved/<task>/ first and returns where.
 */
export async function guardWork(store: WorktreeStore, project: Project, worktree: Worktree, how: GuardOptions): Promise<SavedChanges | null> {
  const dirty = how.checkout ? (await workingTreeChanges(worktree.path)).dirty : [];
  let unmerged = 0;
  if (how.branchWork) {
    const branchRef = refHeads(worktree.branch);
    if (await refExists(project.path, branchRef)) unmerged = await unmergedCommits(project.path, branchRef, await baseRefOf(project.path, worktree));
  }
  if (dirty.length === 0 && unmerged === 0) return null;
  if (!how.force) {
    const parts = [
      dirty.length > 0 ? `${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'}` : '',
      unmerged > 0 ? `${unmerged} commit${unmerged === 1 ? '' : 's'} not merged or pushed` : '',
    ].filter(Boolean);
    throw new SwitchyardError('WORKTREE_DIRTY', `${worktree.branch} has ${parts.join(' and ')}; confirm to save them and go on`, {
      taskId: worktree.taskId,
      path: worktree.path,
      dirty: dirty.slice(0, DIRTY_PATHS_IN_ERROR).map((f) => f.path),
      dirtyCount: dirty.length,
      unmergedCommits: unmerged,
    });
  }
  const meta = { key: worktree.taskId, taskId: worktree.taskId, branch: worktree.branch, reason: how.reason };
  const saved = how.checkout
    ? await saveWorkingTree(project.path, worktree.path, meta)
    : await saveCommit(project.path, refHeads(worktree.branch), meta);
  store.log(worktree, 'saved', `Saved the work of ${worktree.branch} to ${saved.ref}`, { ref: saved.ref, commit: saved.commit });
  return saved;
}
