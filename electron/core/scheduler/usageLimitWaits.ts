import type { Task, TaskReason } from '../../../shared/contract';
import type { Logger } from '../log';
import type { SettingsService } from '../settings/settingsService';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { TaskService } from '../tasks/taskService';
import { nextStatus } from '../tasks/taskTransitions';

/** A limit an agent reported: when it resets (null: it did not say) and its words. */
export interface ReportedLimit {
  resetAt: number | null;
  message: string;
}

/**
 * How long after the reset an agent is resumed (ms): the agents show the reset rounded, and a
 * moment's slack keeps a resume from meeting the limit once more.
 */
export const LIMIT_RESUME_MARGIN_MS = 2_000;

/** The wait when the agent names no reset (or one already past) before its task is tried again (ms). */
export const UNKNOWN_LIMIT_WAIT_MS = 15 * 60_000;

/** The shortest wait at a limit (ms): an agent that meets it again at once is not resumed in a loop. */
export const MIN_LIMIT_WAIT_MS = 60_000;

/** When a task waiting at the limit may be resumed. */
export function limitWaitEnd(limit: ReportedLimit, now: number): number {
  if (limit.resetAt === null) return now + UNKNOWN_LIMIT_WAIT_MS;
  if (limit.resetAt <= now) return now + MIN_LIMIT_WAIT_MS;
  return limit.resetAt + LIMIT_RESUME_MARGIN_MS;
}

/** What the waits need from the sessions side, wired in the composition root. */
export interface LimitSessionPorts {
  /** The task the session belongs to, if it still exists. */
  taskOf(sessionId: string): string | undefined;
  /** Stops the session's agent on purpose, at a usage limit: its conversation is resumed later. */
  stopAtLimit(sessionId: string): Promise<unknown>;
}

/**
 * Turns a usage limit an agent reported into a wait on its task: the task goes back to Ready with
 * the reset time (`limitResetAt`) and the agent's words, and its agent is stopped so that its
 * conversation resumes after the reset (SchedulerService starts nothing of that agent kind
 * before then). The `scheduler.waitAtLimits` setting turns this off: the agent is then left as is.
 */
export class UsageLimitWaits {
  constructor(
    private readonly deps: {
      tasks: TaskService;
      lifecycle: TaskLifecycle;
      settings: SettingsService;
      sessions: LimitSessionPorts;
      log: Logger;
      now?: () => number;
    },
  ) {}

  reported(sessionId: string, limit: ReportedLimit): void {
    const taskId = this.deps.sessions.taskOf(sessionId);
    if (taskId === undefined) return;
    let task: Task;
    try {
      task = this.deps.tasks.get(taskId);
    } catch {
      return; // deleted while its agent reported
    }
    const { log } = this.deps;
    if (!this.deps.settings.value('scheduler.waitAtLimits', task.projectId)) {
      log.info(`usage limit reported by the agent of task ${taskId}, left as it is (scheduler.waitAtLimits is off): ${limit.message}`);
      return;
    }
    // A task done or failed meanwhile has nothing to wait for.
    if (nextStatus(task.status, 'session.limitReached') !== 'ready') return;
    const until = limitWaitEnd(limit, (this.deps.now ?? Date.now)());
    const reason: TaskReason = { kind: 'usage_limit', code: 'USAGE_LIMIT', message: limit.message, attempts: 0, retryAt: until };
    this.deps.lifecycle.send(taskId, 'session.limitReached', { limitResetAt: until, reason });
    log.info(`task ${taskId} waits for its agent's usage limit to reset at ${new Date(until).toISOString()}: ${limit.message}`);
    this.deps.sessions.stopAtLimit(sessionId).catch((error: unknown) => log.warn(`stopping session ${sessionId} at its usage limit failed: ${String(error)}`));
  }
}
