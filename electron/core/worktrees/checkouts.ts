import { existsSync } from 'node:fs';
import { SwitchyardError } from '../../../shared/errors';
import { lockedFailure } from '../git/gitFailure';
import { git, gitErrorMessage, gitOutputTail } from '../git/repository';
import { listGitWorktrees } from '../git/worktreeList';
import { refExists, refHeads } from './worktreeInspection';
import { worktreeFolderFor } from './worktreeRoot';

/** The short names of the repository's local branches. */
export async function localBranches(repoPath: string): Promise<Set<string>> {
  const out = await git(repoPath).raw(['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
  return new Set(out.split('\n').filter((b) => b !== ''));
}

/**
 * A folder for a checkout of `branch` under `root` that neither exists nor is registered with git:
 * `preferred` when it is free, else one named after the branch.
 */
export async function freeWorktreeFolder(repoPath: string, root: string, branch: string, preferred?: string): Promise<string> {
  const registered = new Set((await listGitWorktrees(repoPath)).map((w) => w.path));
  const taken = (p: string) => existsSync(p) || registered.has(p);
  return preferred !== undefined && !taken(preferred) ? preferred : worktreeFolderFor(root, branch, taken);
}

/**
 * `git worktree add`: a checkout of `branch` at `path`, the branch made from `newBranchFrom` when
 * given. On failure nothing is left half made: the admin entry is pruned and a new branch deleted.
 */
export async function addCheckout(repoPath: string, path: string, branch: string, newBranchFrom?: string): Promise<void> {
  const repo = git(repoPath);
  const args = newBranchFrom === undefined ? ['--', path, branch] : ['-b', branch, '--', path, newBranchFrom];
  try {
    await repo.raw(['worktree', 'add', '--quiet', ...args]);
  } catch (error) {
    await repo.raw(['worktree', 'prune']).catch(() => undefined);
    if (newBranchFrom !== undefined && (await refExists(repoPath, refHeads(branch)))) await deleteBranch(repoPath, branch);
    throw (await lockedFailure(error)) ?? new SwitchyardError('GIT_REFUSED', `git could not check ${branch} out at ${path}: ${gitErrorMessage(error)}`, {
      path,
      branch,
      output: gitOutputTail(error),
    });
  }
}

/** `git worktree remove --force`: only after the work in it was saved or found clean. */
export async function removeCheckout(repoPath: string, path: string): Promise<void> {
  await git(repoPath)
    .raw(['worktree', 'remove', '--force', '--', path])
    .catch(async (error: unknown) => {
      throw (await lockedFailure(error)) ?? new SwitchyardError('INTERNAL', `git could not remove the worktree ${path}: ${gitErrorMessage(error)}`, { path });
    });
}

/** Deletes a local branch unless some worktree has it checked out. The objects stay (no gc, ever). */
export async function deleteBranch(repoPath: string, branch: string): Promise<void> {
  if ((await listGitWorktrees(repoPath)).some((w) => w.branch === branch)) return;
  await git(repoPath)
    .raw(['branch', '--delete', '--force', '--', branch])
    .catch(() => undefined);
}
