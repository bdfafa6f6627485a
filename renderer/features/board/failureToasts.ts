import type { SchedulerStatus, Task } from '../../../shared/contract';
import type { RpcClient } from '../../rpc/client';
import { showNotice, useAppStore } from '../../stores/appStore';
import { cardReason, type CardReason } from './taskReason';
import { NO_AGENT } from './liveness';

/**
 * A task is in trouble when a start failed (retrying, failed, blocked) or it is in Failed; one that
 * only waited for the app to be back is not.
 */
function inTrouble(task: Task): boolean {
  return (task.reason !== null && task.reason.kind !== 'waited_for_app') || task.status === 'failed';
}

/**
 * Decides which failures raise a toast: the first of each run of a project, not every one (a run
 * whose starts keep failing says so once). A run is the time its scheduler is on; while it is
 * known to be off, failures come from the user's own starts, one at a time, and each is told.
 * A project's run that was on before this page loaded counts as one run.
 */
export class FailureToasts {
  /** Tasks whose state is known here, and those of them in trouble. */
  private readonly known = new Set<string>();
  private readonly troubled = new Set<string>();
  private readonly runOff = new Set<string>();
  private readonly toldThisRun = new Set<string>();

  /** Tasks as loaded: those not seen before that are already in trouble are not news. */
  seed(tasks: readonly Task[]): void {
    for (const task of tasks) {
      if (this.known.has(task.id)) continue;
      this.known.add(task.id);
      if (inTrouble(task)) this.troubled.add(task.id);
    }
  }

  scheduler(status: SchedulerStatus): void {
    if (!status.active) {
      this.runOff.add(status.projectId);
      this.toldThisRun.delete(status.projectId);
    } else if (this.runOff.delete(status.projectId)) {
      this.toldThisRun.delete(status.projectId);
    }
  }

  /** A task changed: the reason to toast, when this is news that the user should hear of now. */
  task(task: Task): CardReason | null {
    this.known.add(task.id);
    const was = this.troubled.has(task.id);
    if (!inTrouble(task)) {
      this.troubled.delete(task.id);
      return null;
    }
    this.troubled.add(task.id);
    if (was) return null;
    if (!this.runOff.has(task.projectId)) {
      if (this.toldThisRun.has(task.projectId)) return null;
      this.toldThisRun.add(task.projectId);
    }
    return cardReason(task, NO_AGENT) ?? { tone: 'failed', text: 'failed' };
  }

  deleted(taskId: string): void {
    this.known.delete(taskId);
    this.troubled.delete(taskId);
  }
}

/** Raises the toasts: a failure says which task and why, with a button that opens the task. */
export function wireFailureToasts(client: RpcClient, openTask: (taskId: string) => void): FailureToasts {
  const toasts = new FailureToasts();
  // The board's tasks as they load: what was already wrong then is on the cards, not news.
  toasts.seed(useAppStore.getState().tasks);
  useAppStore.subscribe((state, previous) => state.tasks !== previous.tasks && toasts.seed(state.tasks));
  client.on('scheduler.changed', (status) => toasts.scheduler(status));
  client.on('task.changed', (change) => {
    if (change.kind === 'deleted') return toasts.deleted(change.id);
    const reason = toasts.task(change.task);
    if (reason) showNotice(`${change.task.title} — ${reason.text}`, undefined, { label: 'Show', run: () => openTask(change.task.id) });
  });
  return toasts;
}
