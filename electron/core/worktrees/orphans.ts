import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Orphan, Project, SavedChanges, Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { git } from '../git/repository';
import { saveWorkingTree } from '../git/snapshot';
import { listGitWorktrees } from '../git/worktreeList';
import { removeCheckout } from './checkouts';
import type { WorktreeCollaborators } from './worktreeCollaborators';
import { refHeads, workingTreeChanges } from './worktreeInspection';
import { isInside, pathInsideRoot } from './worktreeRoot';
import { DIRTY_PATHS_IN_ERROR } from './workGuard';

/** What the orphan finder works with. */
export type OrphanFinderOptions = WorktreeCollaborators;

/** The folder under refs/switchyard/saved/ for work saved from worktrees no task owned. */
const ORPHANS_SAVE_KEY = 'orphans';

/**
 * Worktrees that no task owns, and tasks whose worktree is gone: found by comparing git's list of
 * worktrees, the folders in the project's worktree root and the rows of the worktrees table. Each
 * can be adopted (given to a task, or checked out again) or cleaned (its work saved first).
 */
export class OrphanFinder {
  constructor(private readonly deps: OrphanFinderOptions) {}

  async find(projectId: string): Promise<Orphan[]> {
    const project = this.deps.projects.get(projectId);
    const root = await this.deps.checkouts.root(project);
    return this.deps.queue.run(project.path, () => this.detect(project, root));
  }

  private async detect(project: Project, root: string): Promise<Orphan[]> {
    const registered = (await listGitWorktrees(project.path)).slice(1).filter((w) => !w.bare);
    const registeredPaths = new Set(registered.map((w) => w.path));
    const rows = this.deps.store.list(project.id, false).filter((w) => w.mode === 'worktree' && w.status === 'active');
    const owned = new Set(rows.map((w) => w.path));
    const orphans: Orphan[] = [];
    for (const entry of registered) {
      if (owned.has(entry.path)) continue;
      const insideRoot = isInside(root, entry.path);
      orphans.push(
        entry.prunable || !existsSync(entry.path)
          ? { kind: 'stale', path: entry.path, branch: entry.branch, taskId: null, insideRoot, description: `git still lists ${entry.path}, whose folder is gone` }
          : { kind: 'unowned', path: entry.path, branch: entry.branch, taskId: null, insideRoot, description: `a worktree${entry.branch ? ` on ${entry.branch}` : ''} that no task owns` },
      );
    }
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(root, entry.name);
      if (registeredPaths.has(path) || owned.has(path)) continue;
      orphans.push({ kind: 'folder', path, branch: null, taskId: null, insideRoot: true, description: 'a folder in the worktree root that is no worktree of this repository' });
    }
    for (const row of rows) {
      if (registeredPaths.has(row.path) && existsSync(row.path)) continue;
      orphans.push({
        kind: 'missing',
        path: row.path,
        branch: row.branch,
        taskId: row.taskId,
        insideRoot: isInside(root, row.path),
        description: `the worktree of a task is gone (${existsSync(row.path) ? 'git no longer knows it' : 'its folder was deleted'})`,
      });
    }
    return orphans;
  }

  private async locate(projectId: string, path: string): Promise<{ project: Project; orphan: Orphan }> {
    const project = this.deps.projects.get(projectId);
    const root = await this.deps.checkouts.root(project);
    const resolved = pathInsideRoot(root, path);
    const orphan = (await this.find(projectId)).find((o) => o.path === resolved);
    if (!orphan) throw new SwitchyardError('NOT_FOUND', `nothing to adopt or clean at ${resolved}`, { path: resolved });
    return { project, orphan };
  }

  /**
   * An unowned worktree becomes the worktree of `taskId` (its branch stays the user's); a task's
   * missing worktree is checked out again from its branch.
   */
  async adopt(projectId: string, path: string, taskId?: string): Promise<Worktree> {
    const { project, orphan } = await this.locate(projectId, path);
    if (orphan.kind === 'missing') {
      const row = this.deps.store.current(orphan.taskId!)!;
      const restored = await this.deps.queue.run(project.path, () => this.deps.checkouts.recheckout(project, row));
      this.deps.bus.emit('worktree.changed', { kind: 'updated', worktree: restored });
      return this.deps.setup.run(restored, project);
    }
    if (orphan.kind !== 'unowned') {
      throw new SwitchyardError('BAD_INPUT', `${orphan.path} is ${orphan.description}: it cannot be adopted, only cleaned`, { path: orphan.path });
    }
    if (taskId === undefined) throw new SwitchyardError('BAD_INPUT', 'adopting a worktree needs the task that will own it', { path });
    const task = this.deps.tasks.get(taskId);
    if (task.projectId !== project.id) throw new SwitchyardError('BAD_INPUT', 'the task belongs to another project', { taskId });
    const existing = this.deps.store.current(task.id);
    if (existing) throw new SwitchyardError('ALREADY_EXISTS', `task "${task.title}" already has a worktree at ${existing.path}`, { taskId });
    if (!orphan.branch) {
      throw new SwitchyardError('DETACHED_HEAD', `${orphan.path} has a detached HEAD: check out a branch in it first`, { path: orphan.path });
    }
    const branch = orphan.branch;
    const worktree = await this.deps.queue.run(project.path, async () => {
      const repo = git(project.path);
      const baseBranch = project.baseBranch;
      const baseCommit = await repo
        .raw(['merge-base', refHeads(baseBranch), refHeads(branch)])
        .catch(() => repo.revparse(['--verify', `${refHeads(branch)}^{commit}`]));
      const row = this.deps.store.add({
        taskId: task.id,
        projectId: project.id,
        path: orphan.path,
        branch,
        baseBranch,
        baseCommit,
        mode: 'worktree',
        setup: 'done',
        ownsBranch: false,
      });
      this.deps.store.log(row, 'adopted', `Adopted the worktree ${orphan.path} on ${branch}`);
      return row;
    });
    this.deps.bus.emit('worktree.changed', { kind: 'created', worktree });
    return worktree;
  }

  /**
   * Cleans an orphan: an unowned worktree is removed (its branch kept; uncommitted work refused, or
   * saved when forced), a stale entry pruned, a stray folder deleted (only when forced: it is no
   * worktree, so its files cannot be saved to git), a task's missing worktree forgotten.
   */
  async clean(projectId: string, path: string, force = false): Promise<{ path: string; saved: SavedChanges | null }> {
    const { project, orphan } = await this.locate(projectId, path);
    return this.deps.queue.run(project.path, async () => {
      if (orphan.kind === 'stale') {
        await git(project.path).raw(['worktree', 'prune']);
        return { path: orphan.path, saved: null };
      }
      if (orphan.kind === 'missing') {
        const row = this.deps.store.current(orphan.taskId!)!;
        await git(project.path).raw(['worktree', 'prune']);
        const removed = this.deps.store.update(row.id, { status: 'removed' });
        this.deps.store.log(removed, 'removed', `Forgot the worktree ${row.path}, which was gone`);
        this.deps.bus.emit('worktree.changed', { kind: 'removed', worktree: removed });
        return { path: orphan.path, saved: null };
      }
      if (orphan.kind === 'folder') {
        const entries = await readdir(orphan.path).catch(() => [] as string[]);
        if (entries.length > 0 && !force) {
          throw new SwitchyardError('WORKTREE_DIRTY', `${orphan.path} holds ${entries.length} entries and is no worktree; confirm to delete it`, {
            path: orphan.path,
          });
        }
        await rm(orphan.path, { recursive: true, force: true });
        return { path: orphan.path, saved: null };
      }
      const saved = await this.saveOrphan(project, orphan, force);
      await removeCheckout(project.path, orphan.path);
      return { path: orphan.path, saved };
    });
  }

  private async saveOrphan(project: Project, orphan: Orphan, force: boolean): Promise<SavedChanges | null> {
    const { dirty } = await workingTreeChanges(orphan.path);
    if (dirty.length === 0) return null;
    if (!force) {
      throw new SwitchyardError('WORKTREE_DIRTY', `${orphan.path} has ${dirty.length} uncommitted changes; confirm to save them and remove it`, {
        path: orphan.path,
        dirty: dirty.slice(0, DIRTY_PATHS_IN_ERROR).map((f) => f.path),
      });
    }
    return saveWorkingTree(project.path, orphan.path, {
      key: ORPHANS_SAVE_KEY,
      taskId: null,
      branch: orphan.branch,
      reason: 'cleaning an orphan worktree',
    });
  }
}
