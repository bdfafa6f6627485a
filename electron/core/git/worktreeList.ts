import { git } from './repository';

/** One entry of `git worktree list --porcelain`. */
export interface GitWorktreeEntry {
  path: string;
  head: string | null;
  /** Short branch name, or null when detached (or bare). */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  /** git would prune it: its folder is gone. */
  prunable: boolean;
}

/** Every worktree git knows for the repository at `repoPath`; the main one comes first. */
export async function listGitWorktrees(repoPath: string): Promise<GitWorktreeEntry[]> {
  const out = await git(repoPath).raw(['worktree', 'list', '--porcelain', '-z']);
  const entries: GitWorktreeEntry[] = [];
  let current: GitWorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      if (current) entries.push(current);
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? '' : field.slice(space + 1);
    if (key === 'worktree') {
      if (current) entries.push(current);
      current = { path: value, head: null, branch: null, bare: false, detached: false, locked: false, prunable: false };
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (key === 'bare') current.bare = true;
    else if (key === 'detached') current.detached = true;
    else if (key === 'locked') current.locked = true;
    else if (key === 'prunable') current.prunable = true;
  }
  if (current) entries.push(current);
  return entries;
}
