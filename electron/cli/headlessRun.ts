import type { Task, TaskStatus } from '../../shared/contract';
import type { Core } from '../core/app';

export interface RunProgress {
  at: number;
  task: Pick<Task, 'id' | 'title' | 'planKey'>;
  status: TaskStatus;
}

export interface RunSummary {
  counts: Record<TaskStatus, number>;
  blocked: { taskId: string; title: string; by: string[] }[];
  /** Tasks that wait for an answer no one can give in a headless run. */
  waiting: string[];
  ok: boolean;
}

/** How often a headless run checks whether anything is left to do (ms). */
const SETTLE_POLL_MS = 250;

/**
 * Runs a project's ready tasks with no window: turns the run on, reports every status change, and
 * returns once nothing is running and nothing more can start. A task that needs a human answer ends
 * the run too (it is reported, not answered). Agents still open at their prompt are left to the
 * caller, which stops them by disposing the core.
 */
export async function runUntilSettled(
  core: Core,
  projectId: string,
  options: { maxConcurrent?: number; onProgress?: (progress: RunProgress) => void },
): Promise<RunSummary> {
  const subscription = core.bus.subscribe(({ event, payload }) => {
    if (event !== 'task.changed' || payload.kind === 'deleted' || payload.task.projectId !== projectId) return;
    options.onProgress?.({ at: Date.now(), task: payload.task, status: payload.task.status });
  });
  try {
    core.scheduler.run(projectId, options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {});
    let previous = '';
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      await core.scheduler.settled();
      const tasks = core.tasks.list(projectId);
      const running = tasks.filter((t) => t.status === 'running');
      const waiting = tasks.filter((t) => t.status === 'needs_input');
      // Settled: no agent at work, and nothing moved since the last look (the scheduler had its turn).
      const snapshot = tasks.map((t) => `${t.id}:${t.status}`).join(',');
      const settled = running.length === 0 && snapshot === previous;
      previous = snapshot;
      if (settled) {
        const status = core.scheduler.status(projectId);
        const titles = new Map(tasks.map((t) => [t.id, t.title]));
        const counts = Object.fromEntries(
          (['backlog', 'ready', 'running', 'needs_input', 'review', 'done', 'failed'] as const).map((s) => [s, tasks.filter((t) => t.status === s).length]),
        ) as Record<TaskStatus, number>;
        return {
          counts,
          blocked: status.blocked.map((b) => ({ taskId: b.taskId, title: titles.get(b.taskId) ?? b.taskId, by: b.by.map((id) => titles.get(id) ?? id) })),
          waiting: waiting.map((t) => t.title),
          ok: counts.failed === 0 && status.blocked.length === 0 && waiting.length === 0,
        };
      }
    }
  } finally {
    core.scheduler.pause(projectId);
    subscription.dispose();
  }
}
