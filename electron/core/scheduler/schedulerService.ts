import { eq, isNotNull } from 'drizzle-orm';
import type { AgentKind, SchedulerStatus, Task, TaskReason } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { schedulerRuns, taskDeps, tasks as taskTable } from '../db/schema';
import { DisposableStore, type Disposable } from '../disposable';
import type { ProjectService } from '../projects/projectService';
import type { Logger } from '../log';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { CoreAbsence } from './coreAbsence';
import { waitedWords } from './coreAbsence';
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
  /** A task that waited for its agent's usage limit was started again: the limit has reset. */
  resumedAfterLimit?(taskId: string): void;
  /** Why the project must start nothing more (its usage budget is reached), or null. */
  budgetStop?(projectId: string): string | null;
}

const ACTIVE_STATUSES = new Set<Task['status']>(['running', 'needs_input']);

/** The longest delay a Node timer takes; a later retry is waited for in steps of it (ms). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The code of a reason that says a task waited while no core ran for the data folder. */
export const WAITED_FOR_APP_CODE = 'WAITED_FOR_APP';

const STARTING_NOW = 'starting now';

/** The error codes that mean the task waits for the user rather than failed: its agent is not installed. */
const BLOCKING_CODES = new Set(['AGENT_NOT_FOUND']);

/** Starts that failed in a row, as the task's reason counts them. */
const failedStarts = (task: Task) => task.reason?.attempts ?? 0;

/** Failures whose retries are counted like any failed agent's, by the task's failed sessions. */
const COUNTED_FAILURES = new Set(['AGENT_CRASHED']);

/** A task in Ready whose agent stopped at a usage limit: it is resumed after the reset, run or not. */
const waitsAtLimit = (task: Task) => task.status === 'ready' && task.limitResetAt !== null;

/**
 * A reason that says the task failed for good (every attempt to start it failed, its agent is
 * missing, its merge did not go cleanly): it is not started again until the user moves it,
 * whatever the retries. A crash is not one: its task is retried while it has retries left.
 */
const finalReason = (task: Task) =>
  task.reason?.kind === 'blocked' || (task.reason?.kind === 'failed' && !COUNTED_FAILURES.has(task.reason.code));

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
  /** Projects whose budget stops new starts, with why. */
  private readonly budgetStops = new Map<string, string>();
  /** Tasks being started now: not started twice while their session comes up. */
  private readonly launching = new Set<string>();
  /** The one timer that wakes the run when the earliest retry is due; nothing polls. */
  private wake: { timer: ReturnType<typeof setTimeout>; at: number } | null = null;
  /** Whether the first pass looked for tasks that waited while no core ran (done once, at the start). */
  private waitsTold = false;

  constructor(
    private readonly deps: {
      db: Db;
      bus: EventBus;
      projects: ProjectService;
      lifecycle: TaskLifecycle;
      settings: SettingsService;
      ports: SchedulerPorts;
      log: Logger;
      /**
       * The data folder's record of when a scheduler last ran (the app, serve and run keep one):
       * tasks that could have started while none ran say how long they waited. Left out, none do.
       */
      absence?: CoreAbsence;
      /** False: this core decides and reports but starts nothing (a CLI command's own core). Default true. */
      starts?: boolean;
    },
  ) {
    this.disposables.add(
      deps.bus.subscribe(({ event }) => {
        // A setting changed (a higher limit, stacking turned on, a larger budget) may let a task start now.
        if (event === 'task.changed' || event === 'task.dependenciesChanged' || event === 'settings.changed' || event.startsWith('session.')) {
          this.request();
        }
      }),
    );
    // A run that was on when the app stopped goes on.
    if (this.activeProjects().size > 0) this.request();
    else this.waitsTold = true;
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
    // With its run off, nothing of the project waits to be started any more.
    for (const task of this.deps.db.select().from(taskTable).where(eq(taskTable.projectId, projectId)).all()) {
      if (task.status === 'ready' && task.reason?.kind === 'waited_for_app') this.deps.lifecycle.send(task.id, 'scheduler.promoted', { reason: null });
    }
    return this.announce(projectId);
  }

  status(projectId: string): SchedulerStatus {
    this.deps.projects.get(projectId);
    const { decision, tasks } = this.decideFor(new Set([projectId]), Date.now());
    const mine = tasks.filter((t) => t.projectId === projectId);
    return {
      projectId,
      active: this.activeProjects().has(projectId),
      running: mine.filter((t) => ACTIVE_STATUSES.has(t.status)).length,
      waiting: mine.filter((t) => t.status === 'backlog' || t.status === 'ready').length - decision.blocked.length,
      blocked: decision.blocked,
      lastError: this.lastErrors.get(projectId) ?? null,
      budgetStop: this.budgetStops.get(projectId) ?? null,
    };
  }

  /**
   * Whether the project's run has nothing to do until something changes: no start under way,
   * nothing it would start now and no retry waiting for its time. A headless run ends on it.
   */
  idle(projectId: string): boolean {
    if (this.pending || this.passing) return false;
    const { decision, tasks } = this.decideFor(new Set([projectId]), Date.now());
    const mine = new Set(tasks.filter((t) => t.projectId === projectId).map((t) => t.id));
    if ([...this.launching].some((id) => mine.has(id))) return false;
    return decision.start.length === 0 && decision.promote.length === 0 && decision.wakeAt === null;
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

  /** Whether some task waits for a usage limit to reset: then a pass is due even with every run off. */
  private anyLimitWait(): boolean {
    return this.deps.db.select({ id: taskTable.id }).from(taskTable).where(isNotNull(taskTable.limitResetAt)).limit(1).get() !== undefined;
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
    if (this.pending || this.disposed || this.deps.starts === false) return;
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
  private decideFor(active: Set<string>, now: number, unlimited = false): { decision: Decision; tasks: SchedulableTask[]; rows: Map<string, Task> } {
    const { db, settings, ports } = this.deps;
    const rows = db.select().from(taskTable).all();
    const edges = db.select({ taskId: taskDeps.taskId, dependsOnId: taskDeps.dependsOnId }).from(taskDeps).all();
    const dependsOn = new Map<string, string[]>();
    for (const edge of edges) dependsOn.set(edge.taskId, [...(dependsOn.get(edge.taskId) ?? []), edge.dependsOnId]);
    const holds = this.limitHolds(rows, now);
    const tasks: SchedulableTask[] = rows
      .filter((t) => active.has(t.projectId) || ACTIVE_STATUSES.has(t.status) || waitsAtLimit(t))
      .map((t) => {
        const failures = t.status !== 'failed' ? 0 : finalReason(t) ? Number.POSITIVE_INFINITY : ports.failures(t.id) + failedStarts(t);
        return {
          id: t.id,
          projectId: t.projectId,
          status: this.launching.has(t.id) ? 'running' : t.status,
          priority: t.priority,
          order: t.order,
          dependsOn: dependsOn.get(t.id) ?? [],
          failures,
          notBefore: Math.max(this.notBefore(t, failures), holds(t)),
        };
      });
    const perProject = (projectId: string) =>
      this.limitOverrides.get(projectId) ?? settings.value('scheduler.maxConcurrent', projectId);
    const limits = unlimited
      ? { global: Number.POSITIVE_INFINITY, perProject: () => Number.POSITIVE_INFINITY }
      : { global: Math.max(settings.value('scheduler.maxConcurrent'), ...[...this.limitOverrides.values()]), perProject };
    // Retries and stacking are per project; a project's tasks are decided with its own values.
    // Retries and stacking are per project, so each project is decided with its own values; the
    // live agents of other projects, and what earlier projects start now, use up the global limit.
    const decision: Decision = { start: [], promote: [], blocked: [], wakeAt: null };
    // A project whose run is off still resumes its tasks that waited at a usage limit, and only those.
    const limitWaiters = new Set(rows.filter(waitsAtLimit).map((t) => t.id));
    const resuming = rows.filter((t) => limitWaiters.has(t.id) && !active.has(t.projectId)).map((t) => t.projectId);
    for (const projectId of new Set([...active, ...resuming])) {
      const whole = active.has(projectId);
      const own = decide(
        tasks.filter((t) => (t.projectId === projectId && (whole || limitWaiters.has(t.id))) || ACTIVE_STATUSES.has(t.status)),
        { global: limits.global - decision.start.length, perProject: limits.perProject },
        settings.value('scheduler.retries', projectId),
        settings.value('scheduler.stacking', projectId) ? STACKED : MERGED_ONLY,
        now,
      );
      // A project whose budget is reached starts nothing more; its running agents finish their turn.
      const budgetStop = this.deps.ports.budgetStop?.(projectId) ?? null;
      if (budgetStop !== null) this.budgetStops.set(projectId, budgetStop);
      else this.budgetStops.delete(projectId);
      if (budgetStop === null) decision.start.push(...own.start);
      decision.promote.push(...own.promote);
      decision.blocked.push(...own.blocked);
      if (own.wakeAt !== null) decision.wakeAt = Math.min(decision.wakeAt ?? own.wakeAt, own.wakeAt);
    }
    return { decision, tasks, rows: new Map(rows.map((t) => [t.id, t])) };
  }

  /**
   * How long each task is held back by a usage limit: its own wait, and the latest reset any task
   * of its agent kind waits for (the limit is the account's, not the task's) — unless its project
   * turned waiting at limits off.
   */
  private limitHolds(rows: readonly Task[], now: number): (task: Task) => number {
    const byKind = new Map<AgentKind, number>();
    for (const row of rows) {
      if (row.limitResetAt !== null && row.limitResetAt > now) byKind.set(row.agentKind, Math.max(byKind.get(row.agentKind) ?? 0, row.limitResetAt));
    }
    const waiting = new Map<string, boolean>();
    const waitsIn = (projectId: string): boolean => {
      const known = waiting.get(projectId);
      if (known !== undefined) return known;
      const value = this.deps.settings.value('scheduler.waitAtLimits', projectId);
      waiting.set(projectId, value);
      return value;
    };
    return (task) => (waitsIn(task.projectId) ? Math.max(task.limitResetAt ?? 0, byKind.get(task.agentKind) ?? 0) : 0);
  }

  /** The wait before the task's next attempt, doubling with each failure (ms). */
  private backoff(projectId: string, failures: number): number {
    return this.deps.settings.value('scheduler.retryBackoff', projectId) * 1000 * 2 ** Math.max(0, failures - 1);
  }

  /**
   * When the task may start again: a start that failed says so in its reason; an agent that failed
   * waits from the moment its task failed.
   */
  private notBefore(task: Task, failures: number): number {
    if (task.reason?.kind === 'retrying') return task.reason.retryAt ?? 0;
    if (task.status === 'failed' && failures > 0) return task.updatedAt + this.backoff(task.projectId, failures);
    return 0;
  }

  /**
   * A start that failed counts as an attempt: with attempts left the task waits for its next one
   * (in Ready), else it fails — or is blocked, when its agent is not installed — with the reason.
   */
  private startFailed(task: Task, error: { code: string; message: string }): void {
    const attempts = failedStarts(task) + 1;
    const failures = this.deps.ports.failures(task.id) + attempts;
    const retries = this.deps.settings.value('scheduler.retries', task.projectId);
    const base = { code: error.code, message: error.message, attempts };
    if (failures > retries) {
      const reason: TaskReason = { ...base, kind: BLOCKING_CODES.has(error.code) ? 'blocked' : 'failed', retryAt: null };
      this.deps.lifecycle.send(task.id, 'scheduler.startFailed', { reason });
      return;
    }
    const reason: TaskReason = { ...base, kind: 'retrying', retryAt: Date.now() + this.backoff(task.projectId, failures) };
    this.deps.lifecycle.send(task.id, 'scheduler.startRetrying', { reason });
  }

  /** Sets the one wake-up timer for the earliest due retry, or clears it when none waits. */
  private wakeAt(at: number | null): void {
    if (this.wake && this.wake.at === at) return;
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = null;
    if (at === null || this.disposed) return;
    const timer = setTimeout(() => {
      this.wake = null;
      this.request();
    }, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - Date.now())));
    this.wake = { timer, at };
  }

  /**
   * The first pass after a start: the tasks in Ready that could have started while no core ran
   * (their project's run is on, and only a core turns it on) say how long they waited, and whether they start now
   * or when fewer agents run. The reason goes when they start, or when their project's run is paused.
   */
  private tellWaits(active: Set<string>, starting: readonly string[], rows: Map<string, Task>, now: number): void {
    const absence = this.deps.absence;
    if (this.waitsTold) return;
    this.waitsTold = true;
    if (!absence || absence.since === null) return;
    const since = absence.since;
    const runsOn = new Map(this.deps.db.select().from(schedulerRuns).all().map((r) => [r.projectId, r.changedAt]));
    const could = this.decideFor(active, now, true).decision.start;
    for (const id of could) {
      const row = rows.get(id);
      if (!row || row.status !== 'ready' || row.limitResetAt !== null || (row.reason !== null && row.reason.kind !== 'waited_for_app')) continue;
      // Made ready by this core as it started (an agent that ended while none ran): it did not wait.
      if (row.updatedAt >= absence.startedAt) continue;
      // Since the last core was last seen, or later when the task became ready or its run was turned on.
      const waited = waitedWords(now - Math.max(since, row.updatedAt, runsOn.get(row.projectId) ?? since));
      const then = starting.includes(id) ? STARTING_NOW : 'it starts when fewer agents run';
      const reason: TaskReason = { kind: 'waited_for_app', code: WAITED_FOR_APP_CODE, message: `waited ${waited} for Switchyard to be back; ${then}`, attempts: 0, retryAt: null };
      this.deps.lifecycle.send(id, 'scheduler.promoted', { reason });
    }
  }

  private async applyAll(): Promise<void> {
    this.deps.absence?.alive();
    const active = this.activeProjects();
    if (active.size === 0 && !this.anyLimitWait()) return this.wakeAt(null);
    const now = Date.now();
    const { decision, tasks, rows } = this.decideFor(active, now);
    this.wakeAt(decision.wakeAt);
    for (const id of decision.promote) {
      if (!decision.start.includes(id)) this.deps.lifecycle.send(id, 'scheduler.promoted');
    }
    this.tellWaits(active, decision.start, rows, now);
    // A task that said it waits for fewer agents starts now: its reason says so until the move.
    for (const id of decision.start) {
      const reason = rows.get(id)?.reason;
      if (reason?.kind !== 'waited_for_app' || reason.message.endsWith(STARTING_NOW)) continue;
      this.deps.lifecycle.send(id, 'scheduler.promoted', { reason: { ...reason, message: `${reason.message.split('; ')[0]!}; ${STARTING_NOW}` } });
    }
    const byId = new Map(tasks.map((t) => [t.id, t]));
    await Promise.all(
      decision.start.map(async (taskId) => {
        const task = byId.get(taskId)!;
        const stackOn = task.dependsOn.find((id) => byId.get(id)?.status === 'review') ?? null;
        this.launching.add(taskId);
        const afterLimit = rows.get(taskId)!.limitResetAt !== null;
        try {
          await this.deps.ports.start(taskId, stackOn);
          if (afterLimit) this.deps.ports.resumedAfterLimit?.(taskId);
        } catch (error) {
          const data =
            error instanceof SwitchyardError
              ? { code: error.code, message: error.message }
              : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
          this.deps.log.warn(`scheduler: could not start task ${taskId}: ${data.code} ${data.message}`);
          this.lastErrors.set(task.projectId, { taskId, ...data });
          this.startFailed(rows.get(taskId)!, data);
        } finally {
          this.launching.delete(taskId);
        }
      }),
    );
    for (const projectId of active) this.deps.bus.emit('scheduler.changed', this.status(projectId));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.wakeAt(null);
    await this.disposables.dispose();
    await this.passing;
    // Recorded last: the next core measures the wait of what is ready from here.
    this.deps.absence?.dispose();
  }
}
