import type { Project, Task, Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { git, inspectRepository, type RepositoryInfo } from '../git/repository';
import type { SettingsService } from '../settings/settingsService';
import { addCheckout, freeWorktreeFolder } from './checkouts';
import { refExists, refHeads } from './worktreeInspection';
import { projectWorktreeRoot } from './worktreeRoot';
import type { WorktreeStore } from './worktreeStore';

/** Where a new checkout goes: its branch (made at `startPoint` when given, else existing) and its base. */
export interface CheckoutPlace {
  branch: string;
  baseBranch: string;
  baseCommit: string;
  startPoint?: string;
}

/**
 * Task branches checked out in folders under the project's worktree root and recorded as worktree
 * rows (setup still to run). Callers run these inside the repository's queue.
 */
export class TaskCheckouts {
  constructor(
    private readonly store: WorktreeStore,
    private readonly settings: SettingsService,
    private readonly dataDir: string,
  ) {}

  /** The folder that holds the project's worktrees (made if missing). */
  root(project: Project): Promise<string> {
    return projectWorktreeRoot(project, this.settings.value('worktrees.root', project.id), this.dataDir);
  }

  /** Checks the repository can hold worktrees: it exists, has a working tree and a first commit. */
  async requireRepository(project: Project): Promise<RepositoryInfo> {
    const repo = await inspectRepository(project.path);
    if (!repo.hasCommits) {
      throw new SwitchyardError('EMPTY_REPOSITORY', `${project.path} has no commits yet: a task branch needs one to start from`, {
        path: project.path,
      });
    }
    return repo;
  }

  /** Checks a branch out in a new folder and records it as the task's worktree. */
  async checkOutNew(task: Task, project: Project, place: CheckoutPlace, why: string): Promise<Worktree> {
    const path = await freeWorktreeFolder(project.path, await this.root(project), place.branch);
    await addCheckout(project.path, path, place.branch, place.startPoint);
    const worktree = this.store.add({
      taskId: task.id,
      projectId: project.id,
      path,
      branch: place.branch,
      baseBranch: place.baseBranch,
      baseCommit: place.baseCommit,
      mode: 'worktree',
      setup: 'pending',
      ownsBranch: true,
    });
    this.store.log(worktree, 'created', `Worktree ${path} on ${place.branch}, ${why}`);
    return worktree;
  }

  /** A new checkout of the worktree's branch, at its old path when that is free. */
  async recheckout(project: Project, worktree: Worktree): Promise<Worktree> {
    await this.requireRepository(project);
    if (!(await refExists(project.path, refHeads(worktree.branch)))) {
      throw new SwitchyardError('NOT_FOUND', `the branch "${worktree.branch}" no longer exists; restore saved changes instead`, {
        branch: worktree.branch,
      });
    }
    await git(project.path).raw(['worktree', 'prune']);
    const path = await freeWorktreeFolder(project.path, await this.root(project), worktree.branch, worktree.path);
    await addCheckout(project.path, path, worktree.branch);
    const restored = this.store.update(worktree.id, { status: 'active', path, setup: 'pending' });
    this.store.log(restored, 'restored', `Checked ${worktree.branch} out again at ${path}`);
    return restored;
  }
}
