import type { ChangedFile, Worktree } from '../../../shared/contract';
import { git } from '../git/repository';

/** Two-letter porcelain states that mean an unresolved conflict. */
const CONFLICT_STATES = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

export interface WorkingTreeChanges {
  /** Everything not committed: staged, unstaged and untracked (ignored files are not work). */
  dirty: ChangedFile[];
  conflicts: string[];
}

/** What is uncommitted in a working tree, from `git status --porcelain -z`. */
export async function workingTreeChanges(worktreePath: string): Promise<WorkingTreeChanges> {
  const out = await git(worktreePath, { trimmed: false }).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const fields = out.split('\0');
  const dirty: ChangedFile[] = [];
  const conflicts: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    const xy = field.slice(0, 2);
    const path = field.slice(3);
    const renamed = xy.includes('R') || xy.includes('C');
    const oldPath = renamed ? fields[++i] : undefined;
    if (CONFLICT_STATES.has(xy)) conflicts.push(path);
    const status = xy === '??' ? '?' : CONFLICT_STATES.has(xy) ? 'U' : (xy.trim()[0] ?? 'M');
    dirty.push({ path, ...(oldPath ? { oldPath } : {}), status, additions: null, deletions: null });
  }
  return { dirty, conflicts };
}

/** Commits of `head` the base lacks (ahead) and of the base that `head` lacks (behind). */
export async function aheadBehind(repoPath: string, baseRef: string, head: string): Promise<{ ahead: number; behind: number }> {
  const out = await git(repoPath).raw(['rev-list', '--left-right', '--count', `${baseRef}...${head}`]);
  const [behind, ahead] = out.split(/\s+/).map(Number);
  return { ahead: ahead ?? 0, behind: behind ?? 0 };
}

/**
 * How many commits of `branch` carry work that is nowhere else: not on the base, not on any remote,
 * and not already in the base's content (a squash merge). Zero means deleting the branch loses nothing.
 */
export async function unmergedCommits(repoPath: string, branchRef: string, baseRef: string): Promise<number> {
  const repo = git(repoPath);
  const count = Number(await repo.raw(['rev-list', '--count', branchRef, '--not', baseRef, '--remotes']));
  if (count === 0) return 0;
  const merged = await mergeTree(repoPath, baseRef, branchRef);
  const baseTree = await repo.revparse(['--verify', `${baseRef}^{tree}`]);
  return merged.conflicts.length === 0 && merged.tree === baseTree ? 0 : count;
}

/**
 * Merges two commits in memory (`git merge-tree --write-tree`): no working tree, index or ref is
 * touched. Returns the merged tree, and the conflicted paths (none when it merges cleanly).
 */
export async function mergeTree(repoPath: string, ours: string, theirs: string): Promise<{ tree: string; conflicts: string[] }> {
  const out = await git(repoPath).raw(['merge-tree', '--write-tree', '--name-only', '--no-messages', ours, theirs]);
  const [tree = '', ...rest] = out.split('\n').map((l) => l.trim());
  return { tree, conflicts: [...new Set(rest.filter((l) => l !== ''))] };
}

/** Files git marks unmerged in a checkout (a merge or rebase stopped on conflicts), each once. */
export async function unmergedFiles(worktreePath: string): Promise<string[]> {
  const listed = await git(worktreePath).raw(['diff', '--name-only', '-z', '--diff-filter=U']);
  return [...new Set(listed.split('\0').filter((f) => f !== ''))];
}

export const refHeads = (branch: string) => `refs/heads/${branch}`;

/** True when `ref` names a commit (simple-git reports `--quiet` failures as empty output). */
export async function refExists(repoPath: string, ref: string): Promise<boolean> {
  return git(repoPath)
    .raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    .then((sha) => sha !== '')
    .catch(() => false);
}

/** The worktree's base branch ref, or the recorded base commit when the branch is gone. */
export async function baseRefOf(repoPath: string, worktree: Worktree): Promise<string> {
  const ref = refHeads(worktree.baseBranch);
  return (await refExists(repoPath, ref)) ? ref : worktree.baseCommit;
}
