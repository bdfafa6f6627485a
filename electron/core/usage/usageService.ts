import { statSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { BudgetStatus, Session, Task, TaskUsage, UsageReport } from '../../../shared/contract';
import type { Db } from '../db/client';
import { schedulerRuns } from '../db/schema';
import { DisposableStore, type Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ProjectService } from '../projects/projectService';
import type { SessionRows } from '../sessions/sessionRows';
import type { SettingsService } from '../settings/settingsService';
import type { TaskService } from '../tasks/taskService';
import { claudeTranscriptParser } from './claudeTranscript';
import { codexRolloutParser } from './codexRollout';
import { readNewLines } from './jsonlTail';
import { costOf, priceOf, priceTable } from './prices';
import { claudeTranscriptPath, findCodexRollout } from './sourceLocator';
import type { UsageEntry } from './usageEntry';
import { addTokens, NO_TOKENS, totalTokens } from './usageEntry';
import { codexLimitsOf, hourlyBuckets, limitWindows, OBSERVABLE_AGENTS, taskUsage, type TaskFacts } from './usageReport';
import { UsageStore, type UsageSource } from './usageStore';

/** How often the records of running agents are read further, so that their cards update live (ms). */
export const USAGE_POLL_MS = 2_000;

export interface UsageServiceDeps {
  db: Db;
  bus: EventBus;
  settings: SettingsService;
  projects: ProjectService;
  tasks: TaskService;
  sessions: SessionRows;
  log: Logger;
  /** A project's budget was reached, last by this task's usage: tell the user. */
  onBudgetReached?: (taskId: string, status: BudgetStatus) => void;
  now?: () => number;
  pollMs?: number;
}

/**
 * Tokens, cost and time per task. Each running agent's own record (Claude Code's transcript,
 * Codex's rollout) is read from where the last read stopped — on its state changes and every
 * USAGE_POLL_MS — and what it adds is kept per session, model and hour. Reports and budgets read
 * every record to its end first, so they never lag behind what the agents wrote.
 */
export class UsageService implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly store: UsageStore;
  private readonly now: () => number;
  /** Sessions whose program runs: read on every poll. */
  private readonly live = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Where each tracked session's record was last read to, for the poll to skip one that has not grown. */
  private readonly readTo = new Map<string, { path: string; offset: number }>();
  /** Per project, the budget period whose reaching was told, so it is told once. */
  private readonly told = new Map<string, string>();
  /** Statuses tasks entered, written together once the burst that moved them is over (a plan import moves thousands). */
  private statusNotes: { taskId: string; status: Task['status']; at: number }[] = [];

  constructor(private readonly deps: UsageServiceDeps) {
    this.store = new UsageStore(deps.db);
    this.now = deps.now ?? Date.now;
    for (const session of deps.sessions.live()) this.track(session.id);
    this.disposables.add(
      deps.bus.subscribe((message) => {
        if (message.event === 'task.changed' && message.payload.kind !== 'deleted') {
          const task = message.payload.task;
          if (this.statusNotes.length === 0) setImmediate(() => this.writeStatuses());
          this.statusNotes.push({ taskId: task.id, status: task.status, at: task.updatedAt });
        } else if (message.event === 'session.state') {
          const { sessionId, change } = message.payload;
          if (change.state === 'exited' || change.state === 'failed') this.untrack(sessionId);
          else this.track(sessionId);
          // A turn's end is when its usage is all written; while it works the poll reads along.
          if (change.state !== 'working' && change.state !== 'starting') this.safely(() => this.refresh(sessionId));
        } else if (message.event === 'session.exited') {
          this.untrack(message.payload.sessionId);
          this.safely(() => this.refresh(message.payload.sessionId));
        }
      }),
    );
  }

  private taskExists(taskId: string): boolean {
    try {
      this.deps.tasks.get(taskId);
      return true;
    } catch {
      return false;
    }
  }

  private writeStatuses(): void {
    const notes = this.statusNotes;
    this.statusNotes = [];
    // A task deleted meanwhile has nothing left to note.
    if (notes.length > 0) this.safely(() => this.store.noteStatuses(notes.filter((n) => this.taskExists(n.taskId))));
  }

  /** A hook named the session's transcript (Claude Code's `transcript_path`). */
  transcriptReported(sessionId: string, path: string): void {
    const source = this.store.source(sessionId);
    if (source?.path === path) return;
    // A new transcript (a /clear): what the old one held stays counted, the new one is read from its start.
    this.store.setSource(sessionId, 'claude-transcript', path, this.now());
    this.track(sessionId);
    this.safely(() => this.refresh(sessionId));
  }

  /** Reads the session's record further; returns how many usage entries it added. */
  refresh(sessionId: string): number {
    const session = this.deps.sessions.find(sessionId);
    if (!session || !OBSERVABLE_AGENTS.has(session.agentKind)) return 0;
    const source = this.store.source(sessionId) ?? this.locate(session);
    if (!source) return 0;
    const parser = source.format === 'claude-transcript' ? claudeTranscriptParser(source.carry, this.now) : codexRolloutParser(source.carry, this.now);
    const entries: UsageEntry[] = [];
    const read = readNewLines(source.path, source.offset, (data, start, end) => {
      for (const entry of parser.lines(data, start, end)) entries.push(entry);
    });
    if (read !== null) this.readTo.set(sessionId, { path: source.path, offset: read.offset });
    if (read === null || (read.offset === source.offset && !read.restarted)) return 0;
    if (read.restarted) this.deps.log.warn(`usage: ${source.path} is shorter than what was read of it; read again from its start`);
    this.store.advance(sessionId, entries, read.offset, parser.carry(), this.now());
    if (entries.length > 0) {
      const task = this.deps.tasks.get(session.taskId);
      this.deps.bus.emit('usage.changed', this.usageOf(task));
      this.checkBudget(task.projectId, task.id);
    }
    return entries.length;
  }

  /** The usage of one task as it is now (its records read to their end). */
  task(taskId: string): TaskUsage {
    const task = this.deps.tasks.get(taskId);
    this.catchUp(this.deps.sessions.ofTask(taskId));
    return this.usageOf(task);
  }

  report(input: { projectId?: string | undefined; since?: number | undefined } = {}): UsageReport {
    const now = this.now();
    const projects = input.projectId !== undefined ? [this.deps.projects.get(input.projectId)] : this.deps.projects.list();
    const priced = this.deps.settings.value('usage.costMode') === 'cost';
    const prices = priceTable(this.deps.settings.value('usage.prices'));
    const facts: TaskFacts[] = [];
    for (const project of projects) {
      for (const task of this.deps.tasks.list(project.id)) {
        const sessions = this.deps.sessions.ofTask(task.id);
        this.catchUp(sessions);
        const f = this.factsOf(task, sessions, input.since);
        if (input.since !== undefined && f.rows.length === 0 && !sessions.some((s) => (s.endedAt ?? now) >= input.since!)) continue;
        facts.push(f);
      }
    }
    const tasks = facts.map((f) => taskUsage(f, (id) => this.deps.sessions.history(id), prices, priced, now));
    const agentOf = new Map(facts.flatMap((f) => f.sessions.map((s) => [s.id, { projectId: f.task.projectId, agent: s.agentKind }] as const)));
    const rows = facts.flatMap((f) => f.rows.map((r) => ({ ...r, ...agentOf.get(r.sessionId)! })));
    const sum = (pick: (t: TaskUsage) => number) => tasks.reduce((s, t) => s + pick(t), 0);
    const allModels = new Set(rows.map((r) => r.model));
    const codexSource = facts
      .flatMap((f) => f.sources)
      .filter((s): s is UsageSource => s?.format === 'codex-rollout')
      .at(-1);
    return {
      costMode: priced ? 'cost' : 'tokens',
      since: input.since ?? null,
      tasks,
      totals: {
        tokens: tasks.reduce((s, t) => (t.tokens ? addTokens(s, t.tokens) : s), NO_TOKENS),
        costUsd: priced ? sum((t) => t.costUsd ?? 0) : null,
        unpricedTasks: priced ? tasks.filter((t) => t.observable && t.costUsd === null && t.tokens !== null && totalTokens(t.tokens) > 0).length : 0,
        unobservableTasks: tasks.filter((t) => !t.observable).length,
        workingMs: sum((t) => t.workingMs),
        waitingMs: sum((t) => t.waitingMs),
        idleMs: sum((t) => t.idleMs),
        limitWaitMs: sum((t) => t.limitWaitMs),
      },
      buckets: hourlyBuckets(rows, prices, priced),
      limitWindows: limitWindows(
        rows.filter((r) => r.agent === 'claude-code'),
        codexSource ? codexLimitsOf(codexSource.carry) : null,
        now,
      ),
      budgets: projects.map((p) => this.budget(p.id)),
      prices,
      unpricedModels: [...allModels].filter((m) => priceOf(prices, m) === null),
    };
  }

  /** The project's budget: what the period used, and whether a limit is reached. */
  budget(projectId: string): BudgetStatus {
    const { settings } = this.deps;
    const period = settings.value('usage.budgetPeriod', projectId);
    const tokenLimit = settings.value('usage.budgetTokens', projectId);
    const costLimitUsd = settings.value('usage.budgetUsd', projectId);
    const status: BudgetStatus = { projectId, period, tokenLimit, costLimitUsd, tokensUsed: 0, costUsedUsd: 0, unpriced: false, reached: null };
    if (tokenLimit === null && costLimitUsd === null) return status;
    const start = this.periodStart(projectId, period);
    if (start === null) return status;
    const sessions = this.deps.sessions.ofProject(projectId).filter((s) => period === 'day' || s.startedAt >= start);
    this.catchUp(sessions.filter((s) => s.endedAt === null));
    const prices = priceTable(settings.value('usage.prices'));
    for (const row of this.store.buckets(sessions.map((s) => s.id), period === 'day' ? start : undefined)) {
      status.tokensUsed += totalTokens(row.tokens);
      const price = priceOf(prices, row.model);
      if (price) status.costUsedUsd += costOf(price, row.tokens);
      else if (totalTokens(row.tokens) > 0) status.unpriced = true;
    }
    const per = period === 'day' ? 'today' : 'in this run';
    if (tokenLimit !== null && status.tokensUsed >= tokenLimit) {
      status.reached = `the token budget is used up: ${status.tokensUsed} of ${tokenLimit} tokens ${per}`;
    } else if (costLimitUsd !== null && status.costUsedUsd >= costLimitUsd) {
      status.reached = `the cost budget is used up: $${status.costUsedUsd.toFixed(2)} of $${costLimitUsd.toFixed(2)} ${per}`;
    }
    return status;
  }

  /** Why the scheduler must start nothing more in the project, or null (its budget is not reached). */
  budgetStop(projectId: string): string | null {
    const status = this.budget(projectId);
    if (status.reached !== null) this.tell(status, null);
    return status.reached;
  }

  private checkBudget(projectId: string, taskId: string): void {
    const status = this.budget(projectId);
    if (status.reached !== null) this.tell(status, taskId);
  }

  /** Tells once per period that the project's budget was reached. */
  private tell(status: BudgetStatus, taskId: string | null): void {
    const key = `${status.period}:${this.periodStart(status.projectId, status.period)}`;
    if (this.told.get(status.projectId) === key) return;
    const by = taskId ?? this.lastTaskWithUsage(status.projectId);
    if (by === null) return;
    this.told.set(status.projectId, key);
    this.deps.bus.emit('usage.budgetReached', status);
    this.deps.onBudgetReached?.(by, status);
  }

  private lastTaskWithUsage(projectId: string): string | null {
    const sessions = this.deps.sessions.ofProject(projectId);
    const used = new Set(this.store.buckets(sessions.map((s) => s.id)).map((r) => r.sessionId));
    return sessions.filter((s) => used.has(s.id)).at(-1)?.taskId ?? null;
  }

  /** Where the budget's period starts: local midnight, or when the project's run was turned on (null while it is off). */
  private periodStart(projectId: string, period: 'day' | 'run'): number | null {
    if (period === 'day') {
      const midnight = new Date(this.now());
      midnight.setHours(0, 0, 0, 0);
      return midnight.getTime();
    }
    const run = this.deps.db.select().from(schedulerRuns).where(eq(schedulerRuns.projectId, projectId)).get();
    return run?.active ? run.changedAt : null;
  }

  private usageOf(task: Task): TaskUsage {
    const priced = this.deps.settings.value('usage.costMode') === 'cost';
    const prices = priceTable(this.deps.settings.value('usage.prices'));
    const facts = this.factsOf(task, this.deps.sessions.ofTask(task.id));
    return taskUsage(facts, (id) => this.deps.sessions.history(id), prices, priced, this.now());
  }

  private factsOf(task: Task, sessions: readonly Session[], since?: number): TaskFacts {
    this.writeStatuses();
    return {
      task,
      sessions,
      sources: sessions.map((s) => this.store.source(s.id)),
      rows: this.store.buckets(sessions.map((s) => s.id), since),
      statuses: this.store.statuses(task.id),
    };
  }

  /** Finds the record of a session no hook told of: Claude Code's transcript by its id, Codex's rollout by folder and time. */
  private locate(session: Session): UsageSource | null {
    let path: string | null = null;
    if (session.agentKind === 'claude-code' && session.agentSessionId) path = claudeTranscriptPath(session.cwd, session.agentSessionId);
    else if (session.agentKind === 'codex') path = findCodexRollout(session.cwd, session.startedAt, this.now());
    if (path === null) return null;
    this.store.setSource(session.id, session.agentKind === 'codex' ? 'codex-rollout' : 'claude-transcript', path, this.now());
    return this.store.source(session.id);
  }

  private catchUp(sessions: readonly Session[]): void {
    for (const session of sessions) this.safely(() => this.refresh(session.id));
  }

  private track(sessionId: string): void {
    this.live.add(sessionId);
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      for (const id of [...this.live]) {
        const running = this.deps.sessions.isRunning(id);
        // An idle agent writes nothing: its record is not read again, nor the database asked.
        if (running && this.unchanged(id)) continue;
        if (!running) {
          this.live.delete(id);
          this.readTo.delete(id);
        }
        this.safely(() => this.refresh(id));
      }
      if (this.live.size === 0) this.stopTimer();
    }, this.deps.pollMs ?? USAGE_POLL_MS);
    this.timer.unref();
  }

  /** Whether the session's record is as long as when it was last read to its end. */
  private unchanged(sessionId: string): boolean {
    const read = this.readTo.get(sessionId);
    if (!read) return false;
    try {
      return statSync(read.path).size === read.offset;
    } catch {
      return false;
    }
  }

  private untrack(sessionId: string): void {
    this.live.delete(sessionId);
    this.readTo.delete(sessionId);
    if (this.live.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private safely(work: () => unknown): void {
    try {
      work();
    } catch (error) {
      this.deps.log.warn(`usage: a record could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    this.writeStatuses();
    this.stopTimer();
    void this.disposables.dispose();
  }
}
