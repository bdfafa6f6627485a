import { eq } from 'drizzle-orm';
import type { SchedulerStatus, Task } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { schedulerRuns, taskDeps, tasks as taskTable } from '../db/schema';
import { DisposableStore, type Disposable } from '../disposable';
import type { ProjectService } from '../projects/projectService';
import type { Logger } from '../log';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import { decide, MERGED_ONLY, STACKED, type Decision, type SchedulableTask } from './schedule';

/** What the scheduler needs from the sessions side, wired in the composition root. */
export interface SchedulerPorts {
  /**
   * Starts the task's agent in its worktree. `stackOn` names the dependency whose branch the new
   * worktree starts from (stacking), or null for the project's base branch.
   */
  start(taskId: string, stackOn: string | null): Promise<unknown>;
  /** How many of the task's sessions ended in failure. */
  failures(taskId: string): number;
}

const ACTIVE_STATUSES = new Set<Task['status']>(['running', 'needs_input']);

/**
 * Runs a project's plan: while its run is on, every change (a task done, an agent exiting, a
 * setting) leads to one decision — what moves to Ready, what starts, what is blocked — applied at
 * once. Decisions are coalesced: a burst of changes makes one pass. A run stays on across restarts.
 */
export class SchedulerService implements Disposable {
  private readonly disposables = new DisposableStore();
  private pending = false;
  private passing: Promise<void> | null = null;
  private disposed = false;
  private readonly lastErrors = new Map<string, SchedulerStatus['lastError']>();
  /** Per-run caps on agents at once, by project, that take precedence over the settings. */
  private readonly limitOverrides = new Map<string, number>();
  /** Tasks being started now: not started twice while their session comes up. */
  private readonly launching = new Set<string>();

  constructor(
    private readonly deps: {
      db: Db;
      bus: EventBus;
      projects: ProjectService;
      lifecycle: TaskLifecycle;
      settings: SettingsService;
      ports: SchedulerPorts;
      log: Logger;
    },
  ) {
    this.disposables.add(
      deps.bus.subscribe(({ event }) => {
        if (event === 'task.changed' || event === 'task.dependenciesChanged' || event.startsWith('session.')) this.request();
      }),
    );
    // A run that was on when the app stopped goes on.
    if (this.activeProjects().size > 0) this.request();
  }

  /**
   * Turns the project's run on. `maxConcurrent` caps this run's agents at once without changing
   * the project's setting (`switchyard run --max N`).
   */
  run(projectId: string, options: { maxConcurrent?: number } = {}): SchedulerStatus {
    if (options.maxConcurrent !== undefined) this.limitOverrides.set(projectId, options.maxConcurrent);
    else this.limitOverrides.delete(projectId);
    this.setActive(projectId, true);
    this.lastErrors.delete(projectId);
    this.request();
    return this.announce(projectId);
  }

  pause(projectId: string): SchedulerStatus {
    this.setActive(projectId, false);
    return this.announce(projectId);
  }

  status(projectId: string): SchedulerStatus {
    this.deps.projects.get(projectId);
    const { decision, tasks } = this.decideFor(new Set([projectId]));
    const mine = tasks.filter((t) => t.projectId === projectId);
    return {
      projectId,
      active: this.activeProjects().has(projectId),
      running: mine.filter((t) => ACTIVE_STATUSES.has(t.status)).length,
      waiting: mine.filter((t) => t.status === 'backlog' || t.status === 'ready').length - decision.blocked.length,
      blocked: decision.blocked,
      lastError: this.lastErrors.get(projectId) ?? null,
    };
  }

  /** Resolves once no pass is pending or running: for shutdown and for tests. */
  async settled(): Promise<void> {
    while (this.pending || this.passing) await (this.passing ?? new Promise((r) => setImmediate(r)));
  }

  private setActive(projectId: string, active: boolean): void {
    this.deps.projects.get(projectId);
    this.deps.db
      .insert(schedulerRuns)
      .values({ projectId, active, changedAt: Date.now() })
      .onConflictDoUpdate({ target: schedulerRuns.projectId, set: { active, changedAt: Date.now() } })
      .run();
  }

  private activeProjects(): Set<string> {
    const rows = this.deps.db.select().from(schedulerRuns).where(eq(schedulerRuns.active, true)).all();
    return new Set(rows.map((r) => r.projectId));
  }

  private announce(projectId: string): SchedulerStatus {
    const status = this.status(projectId);
    this.deps.bus.emit('scheduler.changed', status);
    return status;
  }

  private request(): void {
    if (this.pending || this.disposed) return;
    this.pending = true;
    setImmediate(() => void this.pass());
  }

  private async pass(): Promise<void> {
    if (this.passing) {
      await this.passing;
    }
    this.pending = false;
    if (this.disposed) return;
    this.passing = this.applyAll().finally(() => (this.passing = null));
    await this.passing;
  }

  /**
   * The decision over every task: candidates come only from projects whose run is on, but live
   * agents of every project count against the global limit.
   */
  private decideFor(active: Set<string>): { decision: Decision; tasks: SchedulableTask[] } {
    const { db, settings, ports } = this.deps;
    const rows = db.select().from(taskTable).all();
    const edges = db.select({ taskId: taskDeps.taskId, dependsOnId: taskDeps.dependsOnId }).from(taskDeps).all();
    const dependsOn = new Map<string, string[]>();
    for (const edge of edges) dependsOn.set(edge.taskId, [...(dependsOn.get(edge.taskId) ?? []), edge.dependsOnId]);
    const tasks: SchedulableTask[] = rows
      .filter((t) => active.has(t.projectId) || ACTIVE_STATUSES.has(t.status))
      .map((t) => ({
        id: t.id,
        projectId: t.projectId,
        status: this.launching.has(t.id) ? 'running' : t.status,
        priority: t.priority,
        order: t.order,
        dependsOn: dependsOn.get(t.id) ?? [],
        failures: t.status === 'failed' ? ports.failures(t.id) : 0,
      }));
    const perProject = (projectId: string) =>
      this.limitOverrides.get(projectId) ?? settings.value('scheduler.maxConcurrent', projectId);
    const limits = {
      global: Math.max(settings.value('scheduler.maxConcurrent'), ...[...this.limitOverrides.values()]),
      perProject,
    };
    // Retries and stacking are per project; a project's tasks are decided with its own values.
    // Retries and stacking are per project, so each project is decided with its own values; the
    // live agents of other projects, and what earlier projects start now, use up the global limit.
    const decision: Decision = { start: [], promote: [], blocked: [] };
    for (const projectId of active) {
      const own = decide(
        tasks.filter((t) => t.projectId === projectId || ACTIVE_STATUSES.has(t.status)),
        { global: limits.global - decision.start.length, perProject: limits.perProject },
        settings.value('scheduler.retries', projectId),
        settings.value('scheduler.stacking', projectId) ? STACKED : MERGED_ONLY,
      );
      decision.start.push(...own.start);
      decision.promote.push(...own.promote);
      decision.blocked.push(...own.blocked);
    }
    return { decision, tasks };
  }

  private async applyAll(): Promise<void> {
    const active = this.activeProjects();
    if (active.size === 0) return;
    const { decision, tasks } = this.decideFor(active);
    for (const id of decision.promote) {
      if (!decision.start.includes(id)) this.deps.lifecycle.send(id, 'scheduler.promoted');
    }
    const byId = new Map(tasks.map((t) => [t.id, t]));
    await Promise.all(
      decision.start.map(async (taskId) => {
        const task = byId.get(taskId)!;
        const stackOn = task.dependsOn.find((id) => byId.get(id)?.status === 'review') ?? null;
        this.launching.add(taskId);
        try {
          await this.deps.ports.start(taskId, stackOn);
        } catch (error) {
          const data =
            error instanceof SwitchyardError
              ? { code: error.code, message: error.message }
              : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
          this.deps.log.warn(`scheduler: could not start task ${taskId}: ${data.code} ${data.message}`);
          this.lastErrors.set(task.projectId, { taskId, ...data });
          // A task that cannot start fails, so that the run does not try it again forever.
          this.deps.lifecycle.send(taskId, 'scheduler.startFailed');
        } finally {
          this.launching.delete(taskId);
        }
      }),
    );
    for (const projectId of active) this.deps.bus.emit('scheduler.changed', this.status(projectId));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.disposables.dispose();
    await this.passing;
  }
}
