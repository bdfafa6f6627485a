import type { Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { DIRTY_PATHS_IN_ERROR } from './workGuard';
import { workingTreeChanges } from './worktreeInspection';

/** WORKTREE_DIRTY, naming the first files, when the worktree holds uncommitted changes. */
export async function requireClean(worktree: Worktree, doing: string): Promise<void> {
  const { dirty } = await workingTreeChanges(worktree.path);
  if (dirty.length > 0) {
    throw new SwitchyardError('WORKTREE_DIRTY', `${worktree.branch} has ${dirty.length} uncommitted changes; commit them before ${doing}`, {
      path: worktree.path,
      dirty: dirty.slice(0, DIRTY_PATHS_IN_ERROR).map((f) => f.path),
    });
  }
}

/** BAD_INPUT when the task works on the repository's own branch: it has no branch to rebase or merge. */
export function requireBranchMode(worktree: Worktree): void {
  if (worktree.mode === 'repository') {
    throw new SwitchyardError('BAD_INPUT', "this task works on the repository's own branch: there is no task branch to rebase or merge", {
      taskId: worktree.taskId,
    });
  }
}
