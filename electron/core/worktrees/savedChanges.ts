import { existsSync } from 'node:fs';
import type { Project, SavedChanges, Task, Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { branchNameProblem, clashingBranch, uniqueBranchName } from '../git/refNames';
import { git } from '../git/repository';
import { applySavedTree, listSavedRefs, SAVED_REF_PREFIX, type SavedRef } from '../git/snapshot';
import type { SettingsService } from '../settings/settingsService';
import { localBranches } from './checkouts';
import type { WorktreeCollaborators } from './worktreeCollaborators';
import { refHeads, workingTreeChanges } from './worktreeInspection';

/** What saved changes are listed and restored with. */
export interface SavedChangesOptions extends WorktreeCollaborators {
  settings: SettingsService;
}

/**
 * The work saved under refs/switchyard/saved/ before a forced removal or archive: listed per
 * project or task, and brought back into the task's worktree (a new checkout when it has none).
 */
export class SavedChangesService {
  constructor(private readonly deps: SavedChangesOptions) {}

  async saved(projectId: string, taskId?: string): Promise<SavedChanges[]> {
    const project = this.deps.projects.get(projectId);
    const all = await this.deps.queue.run(project.path, () => listSavedRefs(project.path));
    return taskId === undefined ? all : all.filter((s) => s.taskId === taskId);
  }

  /**
   * Brings saved changes back into the task's worktree: into its checkout when it has a clean one,
   * else into a new checkout of its branch at the commit the changes were made on.
   */
  async restoreSaved(projectId: string, ref: string): Promise<Worktree> {
    const project = this.deps.projects.get(projectId);
    if (!ref.startsWith(SAVED_REF_PREFIX)) {
      throw new SwitchyardError('BAD_INPUT', `${ref.slice(0, 200)} is not a ref of saved changes`, { ref });
    }
    const saved = (await this.deps.queue.run(project.path, () => listSavedRefs(project.path))).find((s) => s.ref === ref);
    if (!saved) throw new SwitchyardError('NOT_FOUND', `no saved changes at ${ref}`, { ref });
    if (!saved.taskId) throw new SwitchyardError('NOT_FOUND', `the saved changes at ${ref} belong to no task`, { ref });
    const task = this.deps.tasks.get(saved.taskId);
    const restored = await this.deps.queue.run(project.path, () => this.applySaved(project, task, saved));
    this.deps.bus.emit('worktree.changed', { kind: 'updated', worktree: restored });
    return restored.setup === 'done' ? restored : this.deps.setup.run(restored, project);
  }

  private async applySaved(project: Project, task: Task, saved: SavedRef): Promise<Worktree> {
    let worktree = this.deps.store.current(task.id);
    if (worktree && worktree.status === 'active' && existsSync(worktree.path)) {
      const { dirty } = await workingTreeChanges(worktree.path);
      if (dirty.length > 0) {
        throw new SwitchyardError('WORKTREE_DIRTY', `the worktree of "${task.title}" has uncommitted changes; commit or remove them first`, {
          path: worktree.path,
        });
      }
    } else {
      worktree = await this.checkoutForSaved(project, task, saved, worktree);
    }
    await applySavedTree(worktree.path, saved.commit);
    this.deps.store.log(worktree, 'restored-saved', `Restored the changes saved at ${saved.ref}`, { ref: saved.ref });
    return this.deps.store.update(worktree.id, {});
  }

  private async checkoutForSaved(project: Project, task: Task, saved: SavedRef, current: Worktree | undefined): Promise<Worktree> {
    const repo = git(project.path);
    const wanted = saved.branch && branchNameProblem(saved.branch) === null ? saved.branch : null;
    const branches = await localBranches(project.path);
    let branch: string;
    if (wanted && clashingBranch(wanted, branches) === null) {
      branch = wanted;
      await repo.raw(['branch', '--', branch, saved.parent]);
    } else if (wanted && branches.has(wanted) && (await repo.revparse(['--verify', `${refHeads(wanted)}^{commit}`])) === saved.parent) {
      branch = wanted;
    } else {
      branch = uniqueBranchName(this.deps.settings.value('worktrees.branchPrefix', project.id), `${task.title} restored`, (n) => clashingBranch(n, branches) !== null);
      await repo.raw(['branch', '--', branch, saved.parent]);
    }
    const previous = current ?? this.deps.store.latest(task.id);
    const baseBranch = previous?.baseBranch ?? project.baseBranch;
    if (current) return this.deps.checkouts.recheckout(project, this.deps.store.update(current.id, { branch }));
    return this.deps.checkouts.checkOutNew(
      task,
      project,
      { branch, baseBranch, baseCommit: previous?.baseCommit ?? saved.parent },
      'for saved changes',
    );
  }
}
