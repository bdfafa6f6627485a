import { existsSync } from 'node:fs';
import type { Project, SavedChanges, Task, Worktree, WorktreeActivity, WorktreeMode, WorktreeState } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { assertBranchName, clashingBranch, uniqueBranchName } from '../git/refNames';
import { git, probeBranches } from '../git/repository';
import { listGitWorktrees } from '../git/worktreeList';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import type { TaskService } from '../tasks/taskService';
import { deleteBranch, removeCheckout } from './checkouts';
import type { RepoQueue } from './repoQueue';
import type { TaskCheckouts } from './taskCheckouts';
import { aheadBehind, baseRefOf, workingTreeChanges } from './worktreeInspection';
import { guardWork } from './workGuard';
import type { WorktreeSetup } from './worktreeSetup';
import type { WorktreeStore } from './worktreeStore';

export interface WorktreeServiceOptions {
  store: WorktreeStore;
  queue: RepoQueue;
  setup: WorktreeSetup;
  checkouts: TaskCheckouts;
  bus: EventBus;
  projects: ProjectService;
  tasks: TaskService;
  settings: SettingsService;
}

export interface CreateOptions {
  taskId: string;
  baseBranch?: string;
  branch?: string;
  mode?: WorktreeMode;
}

/** What the session host needs to start an agent: where to run it and on which branch. */
export interface PreparedWorkspace {
  worktree: Worktree;
  /** The folder the agent runs in. */
  path: string;
  branch: string;
  baseBranch: string;
  mode: WorktreeMode;
}

/**
 * One worktree and branch per task: creation with its setup phases, status, removal that never
 * loses work (refused when dirty, saved under refs/switchyard/saved/ when forced), archive and
 * restore. Git operations of one repository run one at a time (RepoQueue); setup scripts run
 * outside that queue so that one slow install does not hold up the other tasks.
 */
export class WorktreeService {
  private readonly store: WorktreeStore;
  private readonly queue: RepoQueue;
  private readonly setup: WorktreeSetup;
  private readonly checkouts: TaskCheckouts;
  private readonly bus: EventBus;
  private readonly projects: ProjectService;
  private readonly tasks: TaskService;
  private readonly settings: SettingsService;

  constructor(options: WorktreeServiceOptions) {
    this.store = options.store;
    this.queue = options.queue;
    this.setup = options.setup;
    this.checkouts = options.checkouts;
    this.bus = options.bus;
    this.projects = options.projects;
    this.tasks = options.tasks;
    this.settings = options.settings;
  }

  // ── Queries ────────────────────────────────────────────────────────────────────────────────

  get(taskId: string): Worktree | null {
    this.tasks.get(taskId);
    return this.store.current(taskId) ?? null;
  }

  list(projectId: string, includeRemoved = false): Worktree[] {
    this.projects.get(projectId);
    return this.store.list(projectId, includeRemoved);
  }

  activity(taskId: string): WorktreeActivity[] {
    this.tasks.get(taskId);
    return this.store.activity(taskId);
  }

  root(projectId: string): Promise<string> {
    return this.checkouts.root(this.projects.get(projectId));
  }

  /** The task's worktree that is not removed, or NOT_FOUND. */
  requireCurrent(taskId: string): { worktree: Worktree; task: Task; project: Project } {
    const task = this.tasks.get(taskId);
    const worktree = this.store.current(taskId);
    if (!worktree) throw new SwitchyardError('NOT_FOUND', `task "${task.title}" has no worktree`, { taskId });
    return { worktree, task, project: this.projects.get(task.projectId) };
  }

  /** The task's active checkout, present on disk, or a typed error that says why not. */
  requireCheckout(taskId: string): { worktree: Worktree; task: Task; project: Project } {
    const found = this.requireCurrent(taskId);
    if (found.worktree.status !== 'active') {
      throw new SwitchyardError('NOT_FOUND', `the worktree of task "${found.task.title}" is archived; restore it first`, { taskId });
    }
    if (!existsSync(found.worktree.path)) {
      throw new SwitchyardError('PATH_NOT_FOUND', `the worktree folder ${found.worktree.path} is gone`, { taskId, path: found.worktree.path });
    }
    return found;
  }

  async status(taskId: string): Promise<WorktreeState> {
    const { worktree, project } = this.requireCurrent(taskId);
    return this.queue.run(project.path, () => this.inspect(worktree, project));
  }

  /** Every worktree of the project that is not removed, with its status, one repository call at a time. */
  async overview(projectId: string): Promise<WorktreeState[]> {
    const project = this.projects.get(projectId);
    return this.queue.run(project.path, async () => {
      const states: WorktreeState[] = [];
      for (const worktree of this.store.list(projectId, false)) states.push(await this.inspect(worktree, project));
      return states;
    });
  }

  private async inspect(worktree: Worktree, project: Project): Promise<WorktreeState> {
    const exists = worktree.status === 'active' && existsSync(worktree.path);
    if (!exists) return { worktree, exists, head: null, ahead: 0, behind: 0, dirty: [], conflicts: [] };
    const head = await git(worktree.path).revparse(['--verify', 'HEAD^{commit}']);
    const { dirty, conflicts } = await workingTreeChanges(worktree.path);
    const base = worktree.mode === 'repository' ? worktree.baseCommit : await baseRefOf(project.path, worktree);
    const { ahead, behind } = await aheadBehind(project.path, base, head);
    return { worktree, exists, head, ahead, behind, dirty, conflicts };
  }

  // ── Creation ───────────────────────────────────────────────────────────────────────────────

  /**
   * What the session host calls when a task starts: the task's checkout, made (and set up) if it
   * has none, restored if archived, set up again if its setup had failed. The options (a base
   * branch holding the task's merged dependencies, a branch name, the mode) apply to a new one.
   */
  async prepare(taskOrId: Task | string, options: Omit<CreateOptions, 'taskId'> = {}): Promise<PreparedWorkspace> {
    const task = typeof taskOrId === 'string' ? this.tasks.get(taskOrId) : taskOrId;
    const current = this.store.current(task.id);
    let worktree: Worktree;
    if (!current) worktree = await this.create({ ...options, taskId: task.id });
    else if (current.status === 'archived' || !existsSync(current.path)) worktree = await this.restore(task.id);
    else if (current.setup !== 'done') worktree = await this.setup.run(current, this.projects.get(task.projectId));
    else worktree = current;
    return { worktree, path: worktree.path, branch: worktree.branch, baseBranch: worktree.baseBranch, mode: worktree.mode };
  }

  async create(options: CreateOptions): Promise<Worktree> {
    const task = this.tasks.get(options.taskId);
    const project = this.projects.get(task.projectId);
    if (options.baseBranch !== undefined) assertBranchName(options.baseBranch, 'base branch');
    if (options.branch !== undefined) assertBranchName(options.branch);
    const mode = options.mode ?? this.settings.value('worktrees.mode', project.id);
    const worktree = await this.queue.run(project.path, () => {
      // Checked in the queue: two starts of the same task at once make one worktree.
      const existing = this.store.current(task.id);
      if (existing) {
        throw new SwitchyardError('ALREADY_EXISTS', `task "${task.title}" already has a worktree at ${existing.path}`, {
          taskId: task.id,
          path: existing.path,
        });
      }
      return mode === 'repository' ? this.useRepository(task, project) : this.checkout(task, project, options);
    });
    this.bus.emit('worktree.changed', { kind: 'created', worktree });
    if (mode === 'repository') return worktree;
    return this.setup.run(worktree, project);
  }

  private async checkout(task: Task, project: Project, options: CreateOptions): Promise<Worktree> {
    const baseBranch = assertBranchName(options.baseBranch ?? project.baseBranch, 'base branch');
    const probe = await probeBranches(project.path);
    const baseCommit = probe.branches.get(baseBranch);
    if (!baseCommit) {
      throw new SwitchyardError('NOT_FOUND', `the base branch "${baseBranch}" does not exist in ${project.path}`, { baseBranch });
    }
    const branches = new Set(probe.branches.keys());
    let branch: string;
    if (options.branch !== undefined) {
      const clash = clashingBranch(options.branch, branches);
      if (clash) {
        throw new SwitchyardError('ALREADY_EXISTS', `a branch "${options.branch}" cannot be made: the branch "${clash}" exists`, {
          branch: options.branch,
          clash,
        });
      }
      branch = options.branch;
    } else {
      const prefix = this.settings.value('worktrees.branchPrefix', project.id);
      const above = prefix === '' ? null : clashingBranch(prefix.replace(/\/$/, ''), new Set([...branches].filter((b) => !b.startsWith(prefix))));
      if (above) {
        throw new SwitchyardError('BAD_INPUT', `the branch prefix "${prefix}" clashes with the branch "${above}": change worktrees.branchPrefix`, {
          prefix,
          clash: above,
        });
      }
      branch = uniqueBranchName(prefix, task.title, (name) => clashingBranch(name, branches) !== null);
    }
    const worktree = await this.checkouts.checkOutNew(
      task,
      project,
      { branch, baseBranch, baseCommit, startPoint: baseCommit },
      `from ${baseBranch} at ${baseCommit.slice(0, 12)}`,
    );
    this.setup.progress(worktree, 'create', 'done', `Created ${branch} at ${worktree.path}`);
    return worktree;
  }

  /** No-worktree mode: the task runs in the repository itself, on whatever branch it has checked out. */
  private async useRepository(task: Task, project: Project): Promise<Worktree> {
    const repo = await this.checkouts.requireRepository(project);
    if (!repo.branch) {
      throw new SwitchyardError('DETACHED_HEAD', `${project.path} has a detached HEAD: check out a branch for the task to work on`, {
        path: project.path,
      });
    }
    const head = await git(project.path).revparse(['--verify', 'HEAD^{commit}']);
    const worktree = this.store.add({
      taskId: task.id,
      projectId: project.id,
      path: project.path,
      branch: repo.branch,
      baseBranch: repo.branch,
      baseCommit: head,
      mode: 'repository',
      setup: 'done',
      ownsBranch: false,
    });
    this.store.log(worktree, 'created', `Runs in the repository itself, on ${repo.branch} at ${head.slice(0, 12)}`);
    return worktree;
  }

  // ── Removal, archive, restore ──────────────────────────────────────────────────────────────

  /**
   * Removes the task's checkout and the branch Switchyard made. Uncommitted changes or commits that
   * are nowhere else refuse it with WORKTREE_DIRTY; with `force` they are first saved under
   * refs/switchyard/saved/<task>/ (restorable with restoreSaved).
   */
  async remove(taskId: string, force = false): Promise<{ worktree: Worktree; saved: SavedChanges | null }> {
    const { worktree, project } = this.requireCurrent(taskId);
    const result = await this.queue.run(project.path, async () => {
      if (worktree.mode === 'repository') return { saved: null };
      const hasCheckout = worktree.status === 'active' && existsSync(worktree.path);
      const saved = await guardWork(this.store, project, worktree, { force, checkout: hasCheckout, branchWork: worktree.ownsBranch, reason: 'removal' });
      if (hasCheckout) await removeCheckout(project.path, worktree.path);
      else await git(project.path).raw(['worktree', 'prune']);
      if (worktree.ownsBranch) await deleteBranch(project.path, worktree.branch);
      return { saved };
    });
    const removed = this.store.update(worktree.id, { status: 'removed' });
    this.store.log(removed, 'removed', `Removed ${worktree.path}${worktree.ownsBranch ? ` and ${worktree.branch}` : ''}`, {
      saved: result.saved?.ref ?? null,
    });
    this.bus.emit('worktree.changed', { kind: 'removed', worktree: removed });
    return { worktree: removed, saved: result.saved };
  }

  /** Drops the checkout and keeps the branch; dirty work is refused, or saved when forced. */
  async archive(taskId: string, force = false): Promise<{ worktree: Worktree; saved: SavedChanges | null }> {
    const { worktree, project } = this.requireCurrent(taskId);
    if (worktree.mode === 'repository') {
      throw new SwitchyardError('BAD_INPUT', 'this task runs in the repository itself: there is no checkout to archive', { taskId });
    }
    if (worktree.status === 'archived') return { worktree, saved: null };
    const saved = await this.queue.run(project.path, async () => {
      const hasCheckout = existsSync(worktree.path);
      const kept = await guardWork(this.store, project, worktree, { force, checkout: hasCheckout, branchWork: false, reason: 'archive' });
      if (hasCheckout) await removeCheckout(project.path, worktree.path);
      else await git(project.path).raw(['worktree', 'prune']);
      return kept;
    });
    const archived = this.store.update(worktree.id, { status: 'archived' });
    this.store.log(archived, 'archived', `Archived: ${worktree.path} removed, ${worktree.branch} kept`, { saved: saved?.ref ?? null });
    this.bus.emit('worktree.changed', { kind: 'updated', worktree: archived });
    return { worktree: archived, saved };
  }

  /** Checks the branch of an archived worktree (or one whose folder vanished) out again, and sets it up. */
  async restore(taskId: string): Promise<Worktree> {
    const { worktree, project } = this.requireCurrent(taskId);
    if (worktree.status === 'active' && existsSync(worktree.path)) return worktree;
    const restored = await this.queue.run(project.path, () => this.checkouts.recheckout(project, worktree));
    this.bus.emit('worktree.changed', { kind: 'updated', worktree: restored });
    return this.setup.run(restored, project);
  }

  // ── Housekeeping ───────────────────────────────────────────────────────────────────────────

  /** `git worktree prune`: forgets worktrees whose folders are gone (administrative files only, no objects). */
  async prune(projectId: string): Promise<{ pruned: string[] }> {
    const project = this.projects.get(projectId);
    return this.queue.run(project.path, async () => {
      const before = await listGitWorktrees(project.path);
      await git(project.path).raw(['worktree', 'prune']);
      const after = new Set((await listGitWorktrees(project.path)).map((w) => w.path));
      const pruned = before.filter((w) => !after.has(w.path)).map((w) => w.path);
      return { pruned };
    });
  }
}
