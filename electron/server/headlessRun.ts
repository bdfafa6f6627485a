import type { InboxChoice, SessionState, Task, TaskReason, TaskStatus } from '../../shared/contract';
import { TASK_STATUSES } from '../../shared/contract';
import type { Core } from '../core/app';
import { DisposableStore, toDisposable } from '../core/disposable';
import type { RunValues } from '../core/settings/settingsService';

/** Who answers the agents' permission questions during a run. */
export const APPROVE_MODES = ['ask', 'policy', 'all'] as const;
export type ApproveMode = (typeof APPROVE_MODES)[number];

/** How far a run takes each task: to Review, or merged into its base (Done). */
export const RUN_GOALS = ['review', 'merged'] as const;
export type RunGoal = (typeof RUN_GOALS)[number];

/** How a run ended: every task settled, its time ran out, or it was told to stop. */
export type RunEnd = 'settled' | 'timeout' | 'interrupted';

export interface RunProgress {
  at: number;
  task: Pick<Task, 'id' | 'title' | 'planKey'>;
  status: TaskStatus;
  reason: TaskReason | null;
}

/** An agent waiting for its human, once per question. */
export interface RunQuestion {
  at: number;
  task: Pick<Task, 'id' | 'title' | 'planKey'>;
  question: string;
  /** The numbered answers it offers (`switchyard answer --choice N`); none for an open question. */
  choices: InboxChoice[];
}

export interface HeadlessRunOptions {
  approve: ApproveMode;
  until: RunGoal;
  /** Agents at once for this run; the project's setting when left out. */
  maxConcurrent?: number;
  /** The run ends with `timeout` after this long (ms); no limit when left out. */
  timeoutMs?: number;
  /** Aborting it ends the run with `interrupted` (Ctrl-C). */
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  onQuestion?: (question: RunQuestion) => void;
}

type TaskRef = Pick<Task, 'id' | 'title' | 'planKey'>;

export interface RunSummary {
  end: RunEnd;
  counts: Record<TaskStatus, number>;
  /** Tasks that reached the goal, of all the project's tasks. */
  reached: number;
  total: number;
  /** Tasks in Failed, with their reason (a missing agent is a `blocked` reason). */
  failed: { task: TaskRef; reason: TaskReason | null }[];
  /** Tasks that never started because a task they need failed for good. */
  blocked: { task: TaskRef; by: TaskRef[] }[];
  /** Agents still waiting for an answer when the run ended, with their last question. */
  waiting: { task: TaskRef; question: string }[];
  /** Why the run started nothing more: the project's usage budget was reached; null otherwise. */
  budgetStop: string | null;
  ok: boolean;
}

/** What the question of an agent is called when its state says no more. */
const UNNAMED_QUESTION = 'waiting for an answer';

/** Which statuses count as having reached each goal. */
const REACHED: Record<RunGoal, ReadonlySet<TaskStatus>> = {
  review: new Set(['review', 'done']),
  merged: new Set(['done']),
};

/** Statuses whose agent is live: the run goes on while any task is in one. */
const LIVE: ReadonlySet<TaskStatus> = new Set(['running', 'needs_input']);

/**
 * The settings a run holds for its project while it lasts (none is stored): `--approve all` is the
 * allow-all preset (agents get their own skip-permissions flag), `--approve ask` answers nothing
 * (no preset, no rules); `--until review` stacks dependents on their dependency's branch, and
 * `--until merged` starts them from the base their dependencies were merged into.
 */
export function runSettings(options: Pick<HeadlessRunOptions, 'approve' | 'until'>): RunValues {
  const values: RunValues = { 'scheduler.stacking': options.until === 'review' };
  if (options.approve === 'all') values['policy.preset'] = 'all';
  if (options.approve === 'ask') Object.assign(values, { 'policy.preset': 'ask', 'policy.allow': [], 'policy.deny': [], 'policy.ask': [] });
  return values;
}

const ref = (task: Task): TaskRef => ({ id: task.id, title: task.title, planKey: task.planKey });

/** What a progress line says of a task: its status, and its reason when it has one. */
const progressKey = (task: Task) => `${task.status}|${task.reason ? `${task.reason.kind}:${task.reason.attempts}` : ''}`;

/**
 * Runs a project's tasks with no window until each one reached the goal (Review, or merged),
 * failed or is blocked — or until the time given runs out. Agents that wait for an answer do not
 * end it: each question is reported once and the run waits for its answer. Nothing polls: the run
 * looks again only when a task, a session or the scheduler changes. With `until: 'merged'` each
 * task that reaches Review is merged into its base, one at a time; one that cannot be merged
 * cleanly fails with the reason. The agents still open when it ends are the caller's to stop
 * (disposing the core stops them).
 */
export function headlessRun(core: Core, projectId: string, options: HeadlessRunOptions): Promise<RunSummary> {
  return new Promise<RunSummary>((resolve, reject) => {
    const disposables = new DisposableStore();
    const shown = new Map<string, string>();
    const sessionStates = new Map<string, SessionState>();
    const questions = new Map<string, string>();
    const merging = new Set<string>();
    let merges: Promise<unknown> = Promise.resolve();
    let ended = false;
    let looking = false;

    const end = (how: RunEnd | Error) => {
      if (ended) return;
      ended = true;
      // Read while the run is still on: a budget counted "per run" ends with it.
      let budgetStop: string | null = null;
      try {
        budgetStop = core.scheduler.status(projectId).budgetStop ?? null;
      } catch {
        budgetStop = null;
      }
      try {
        core.scheduler.pause(projectId);
      } finally {
        void disposables.dispose();
      }
      if (how instanceof Error) reject(how);
      else resolve(summarize(core, projectId, options.until, how, questions, budgetStop));
    };
    const failWith = (error: unknown) => end(error instanceof Error ? error : new Error(String(error)));

    /** Whether nothing more will happen by itself: no live agent, no merge, nothing the scheduler would do. */
    const settled = () => {
      const tasks = core.tasks.list(projectId);
      if (tasks.some((t) => LIVE.has(t.status)) || merging.size > 0) return false;
      if (options.until === 'merged' && tasks.some((t) => t.status === 'review')) return false;
      return core.scheduler.idle(projectId);
    };
    const look = () => {
      if (looking || ended) return;
      looking = true;
      setImmediate(() => {
        core.scheduler
          .settled()
          .then(() => {
            looking = false;
            if (!ended && settled()) end('settled');
          })
          .catch(failWith);
      });
    };

    const merge = (task: Task) => {
      if (merging.has(task.id)) return;
      merging.add(task.id);
      // One merge at a time: each one moves the base the next is merged into.
      merges = merges
        .then(() => (ended ? undefined : core.review.landOrFail(task.id)))
        .catch(failWith)
        .finally(() => {
          merging.delete(task.id);
          look();
        });
    };

    const report = (task: Task) => {
      const key = progressKey(task);
      if (shown.get(task.id) === key) return;
      shown.set(task.id, key);
      options.onProgress?.({ at: Date.now(), task: ref(task), status: task.status, reason: task.reason });
    };

    for (const task of core.tasks.list(projectId)) shown.set(task.id, progressKey(task));
    disposables.add(
      core.bus.subscribe(({ event, payload }) => {
        if (ended) return;
        if (event === 'task.changed') {
          if (payload.kind === 'deleted' || payload.task.projectId !== projectId) return;
          report(payload.task);
          if (payload.task.status !== 'needs_input') questions.delete(payload.task.id);
          if (options.until === 'merged' && payload.task.status === 'review') merge(payload.task);
        } else if (event === 'session.state') {
          const previous = sessionStates.get(payload.sessionId);
          sessionStates.set(payload.sessionId, payload.change.state);
          if (payload.change.state !== 'needs_input' || previous === 'needs_input') return;
          const task = core.tasks.get(payload.taskId);
          if (task.projectId !== projectId) return;
          const question = payload.change.detail?.trim() || UNNAMED_QUESTION;
          questions.set(task.id, question);
          // The inbox heard of it first (the core's own listener): the answers it offers, as the inbox numbers them.
          const choices = core.inbox.list().find((item) => item.sessionId === payload.sessionId)?.choices ?? [];
          options.onQuestion?.({ at: payload.change.at, task: ref(task), question, choices });
        } else if (event === 'scheduler.changed') {
          if (payload.projectId !== projectId) return;
        } else if (!event.startsWith('session.')) return;
        look();
      }),
    );

    try {
      disposables.add(core.settings.holdForRun(projectId, runSettings(options)));
      core.scheduler.run(projectId, options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {});
    } catch (error) {
      failWith(error);
      return;
    }
    if (options.until === 'merged') for (const task of core.tasks.list(projectId)) if (task.status === 'review') merge(task);

    if (options.timeoutMs !== undefined) {
      const timer = setTimeout(() => end('timeout'), options.timeoutMs);
      disposables.add(toDisposable(() => clearTimeout(timer)));
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = () => end('interrupted');
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      disposables.add(toDisposable(() => signal.removeEventListener('abort', onAbort)));
    }
    look();
  });
}

function summarize(core: Core, projectId: string, until: RunGoal, how: RunEnd, questions: Map<string, string>, budgetStop: string | null): RunSummary {
  const tasks = core.tasks.list(projectId);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, tasks.filter((t) => t.status === s).length])) as Record<TaskStatus, number>;
  const reached = tasks.filter((t) => REACHED[until].has(t.status)).length;
  const status = core.scheduler.status(projectId);
  const named = (id: string): TaskRef => {
    const task = byId.get(id);
    return task ? ref(task) : { id, title: id, planKey: null };
  };
  return {
    end: how,
    counts,
    reached,
    total: tasks.length,
    failed: tasks.filter((t) => t.status === 'failed').map((t) => ({ task: ref(t), reason: t.reason })),
    blocked: status.blocked.map((b) => ({ task: named(b.taskId), by: b.by.map(named) })),
    waiting: tasks.filter((t) => t.status === 'needs_input').map((t) => ({ task: ref(t), question: questions.get(t.id) ?? UNNAMED_QUESTION })),
    budgetStop,
    ok: how === 'settled' && reached === tasks.length && budgetStop === null,
  };
}
