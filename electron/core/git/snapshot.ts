import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { commitIdentityConfig } from './commitIdentity';
import { git } from './repository';

export interface WorkingTreeSnapshot {
  /** The commit HEAD points at. */
  head: string;
  /** A tree object holding the working tree as it is: tracked changes and untracked files, not ignored ones. */
  tree: string;
}

/**
 * Writes the working tree of `worktreePath` as a tree object without touching its index or files:
 * a copy of its index (so unchanged files are not hashed again) takes every change with `add -A`.
 */
export async function snapshotWorkingTree(worktreePath: string): Promise<WorkingTreeSnapshot> {
  const repo = git(worktreePath);
  const head = await repo.revparse(['--verify', 'HEAD^{commit}']);
  const realIndex = await repo.revparse(['--git-path', 'index']);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-index-'));
  const indexFile = join(dir, 'index');
  try {
    const source = isAbsolute(realIndex) ? realIndex : join(worktreePath, realIndex);
    const copied = await copyFile(source, indexFile).then(
      () => true,
      () => false,
    );
    const temp = git(worktreePath, { env: { GIT_INDEX_FILE: indexFile } });
    if (!copied) await temp.raw(['read-tree', head]);
    await temp.raw(['add', '--all', '--', '.']);
    const tree = await temp.raw(['write-tree']);
    return { head, tree };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The namespace of saved changes; nothing in it is ever deleted by Switchyard without the user. */
export const SAVED_REF_PREFIX = 'refs/switchyard/saved/';

export interface SavedRef {
  ref: string;
  commit: string;
  parent: string;
  taskId: string | null;
  branch: string | null;
  reason: string;
  createdAt: number;
}

const TRAILER_TASK = 'Switchyard-Task';
const TRAILER_BRANCH = 'Switchyard-Branch';
const TRAILER_REASON = 'Switchyard-Reason';

/** What a saved set of changes is about; it is written into the commit's trailers. */
export interface SaveMeta {
  /** The folder of the ref under refs/switchyard/saved/ (the task id). */
  key: string;
  taskId: string | null;
  branch: string | null;
  reason: string;
}

/**
 * Keeps a snapshot (a tree on top of a commit) as a commit under refs/switchyard/saved/<key>/<time>:
 * the tree holds the files, the parent keeps the branch's unpushed commits reachable.
 */
export async function saveSnapshot(repoPath: string, snapshot: WorkingTreeSnapshot, meta: SaveMeta): Promise<SavedRef> {
  const createdAt = Date.now();
  const message = [
    `Switchyard: changes of ${meta.branch ?? 'a worktree'} saved before ${meta.reason}`,
    '',
    `${TRAILER_TASK}: ${meta.taskId ?? ''}`,
    `${TRAILER_BRANCH}: ${meta.branch ?? ''}`,
    `${TRAILER_REASON}: ${meta.reason}`,
  ].join('\n');
  const repo = git(repoPath, { config: await commitIdentityConfig(repoPath) });
  const commit = await repo.raw(['commit-tree', snapshot.tree, '-p', snapshot.head, '-m', message]);
  const ref = `${SAVED_REF_PREFIX}${meta.key}/${createdAt}`;
  // The empty old value makes git refuse to overwrite a ref that already exists.
  await repo.raw(['update-ref', ref, commit, '']);
  return { ref, commit, parent: snapshot.head, taskId: meta.taskId, branch: meta.branch, reason: meta.reason, createdAt };
}

/** Saves the working tree of a worktree: tracked and untracked changes on top of its HEAD. */
export async function saveWorkingTree(repoPath: string, worktreePath: string, meta: SaveMeta): Promise<SavedRef> {
  return saveSnapshot(repoPath, await snapshotWorkingTree(worktreePath), meta);
}

/** Saves a commit (a branch tip with no checkout) the same way, so that it can be listed and restored. */
export async function saveCommit(repoPath: string, commit: string, meta: SaveMeta): Promise<SavedRef> {
  const tree = await git(repoPath).revparse(['--verify', `${commit}^{tree}`]);
  return saveSnapshot(repoPath, { head: commit, tree }, meta);
}

const FIELD = '\x1f';
const RECORD = '\x1e';

function trailer(body: string, key: string): string | null {
  const match = new RegExp(`^${key}: ?(.*)$`, 'm').exec(body);
  const value = match?.[1]?.trim();
  return value ? value : null;
}

/** Every saved set of changes in the repository, newest first. */
export async function listSavedRefs(repoPath: string): Promise<SavedRef[]> {
  const out = await git(repoPath).raw([
    'for-each-ref',
    '--sort=-refname',
    `--format=%(refname)${FIELD}%(objectname)${FIELD}%(parent)${FIELD}%(contents)${RECORD}`,
    SAVED_REF_PREFIX,
  ]);
  const saved: SavedRef[] = [];
  for (const record of out.split(RECORD)) {
    const [ref, commit, parent, body] = record.replace(/^\s+/, '').split(FIELD);
    if (!ref || !commit || !parent || body === undefined) continue;
    const createdAt = Number(ref.split('/').pop());
    saved.push({
      ref,
      commit,
      parent: parent.split(' ')[0] ?? parent,
      taskId: trailer(body, TRAILER_TASK),
      branch: trailer(body, TRAILER_BRANCH),
      reason: trailer(body, TRAILER_REASON) ?? '',
      createdAt: Number.isFinite(createdAt) ? createdAt : 0,
    });
  }
  return saved.sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * Puts the files of a saved commit into the working tree of `worktreePath` (its HEAD should be the
 * saved commit's parent): changed and untracked files come back, files deleted then are deleted.
 * The index is left at HEAD, so the changes show as uncommitted work again.
 */
export async function applySavedTree(worktreePath: string, commit: string): Promise<void> {
  await git(worktreePath).raw(['restore', `--source=${commit}`, '--worktree', '--', '.']);
}
