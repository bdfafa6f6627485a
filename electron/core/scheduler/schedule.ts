import { TASK_PRIORITIES, type TaskPriority, type TaskStatus } from '../../../shared/contract';

/** What the scheduler needs to know of a task. */
export interface SchedulableTask {
  id: string;
  projectId: string;
  status: TaskStatus;
  priority: TaskPriority;
  order: number;
  dependsOn: readonly string[];
  /** How many times it has been started and failed. */
  failures: number;
  /** Epoch ms before which it is not started again (a retry's wait); 0 when it may start now. */
  notBefore?: number;
}

export interface Limits {
  /** Sessions at once across every project. */
  global: number;
  /** Sessions at once in one project. */
  perProject(projectId: string): number;
}

export interface Decision {
  /** Tasks to start now, in the order they should start. */
  start: string[];
  /** Backlog tasks whose dependencies are all done: they move to the Ready column. */
  promote: string[];
  /** Tasks that will never start as things stand, with the failed tasks that stop them. */
  blocked: { taskId: string; by: string[] }[];
  /** When the earliest task left out only for its retry wait becomes due (epoch ms), or null. */
  wakeAt: number | null;
}

/** Statuses that hold a slot: the agent is live. */
const ACTIVE: ReadonlySet<TaskStatus> = new Set(['running', 'needs_input']);
/** Statuses a run may still start a task from. */
const WAITING: ReadonlySet<TaskStatus> = new Set(['backlog', 'ready']);

const priorityRank = (p: TaskPriority) => TASK_PRIORITIES.indexOf(p);

/** What counts as a finished dependency: merged (done), or, when stacking, also in review. */
export const MERGED_ONLY: ReadonlySet<TaskStatus> = new Set(['done']);
export const STACKED: ReadonlySet<TaskStatus> = new Set(['done', 'review']);

/**
 * One scheduling decision for a run: which tasks start now (ready ones, by priority then board
 * order, within the global and per-project limits), which move to Ready, and which are blocked
 * because a task they need failed for good (after `retries` failed attempts). Failed tasks with
 * attempts left are started again once their wait (`notBefore`) is over at `now`; the others start
 * meanwhile, and `wakeAt` says when to decide again. Pure: the caller applies it.
 */

export function decide(
  tasks: readonly SchedulableTask[],
  limits: Limits,
  retries: number,
  satisfied: ReadonlySet<TaskStatus> = MERGED_ONLY,
  now = 0,
): Decision {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const failedForGood = (t: SchedulableTask) => t.status === 'failed' && t.failures > retries;

  // A task is blocked when a dependency failed for good or is itself blocked (memoised, cycle-safe).
  const blockers = new Map<string, string[]>();
  const visiting = new Set<string>();
  const blockedBy = (id: string): string[] => {
    const known = blockers.get(id);
    if (known) return known;
    if (visiting.has(id)) return [];
    visiting.add(id);
    const task = byId.get(id);
    const found = new Set<string>();
    for (const depId of task?.dependsOn ?? []) {
      const dep = byId.get(depId);
      if (!dep) continue;
      if (failedForGood(dep)) found.add(dep.id);
      for (const root of blockedBy(depId)) found.add(root);
    }
    visiting.delete(id);
    const result = [...found];
    blockers.set(id, result);
    return result;
  };

  const depsDone = (t: SchedulableTask) =>
    t.dependsOn.every((id) => {
      const dep = byId.get(id);
      return dep !== undefined && satisfied.has(dep.status);
    });
  const retryable = (t: SchedulableTask) => t.status === 'failed' && t.failures <= retries;

  const blocked: Decision['blocked'] = [];
  const promote: string[] = [];
  const candidates: SchedulableTask[] = [];
  let wakeAt: number | null = null;
  for (const task of tasks) {
    if (!WAITING.has(task.status) && !retryable(task)) continue;
    const by = blockedBy(task.id);
    if (by.length > 0) {
      blocked.push({ taskId: task.id, by });
      continue;
    }
    if (!depsDone(task)) continue;
    if (task.status === 'backlog') promote.push(task.id);
    const due = task.notBefore ?? 0;
    if (due > now) {
      wakeAt = Math.min(wakeAt ?? due, due);
      continue;
    }
    candidates.push(task);
  }
  candidates.sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.order - b.order);

  const activeByProject = new Map<string, number>();
  let active = 0;
  for (const task of tasks) {
    if (!ACTIVE.has(task.status)) continue;
    active++;
    activeByProject.set(task.projectId, (activeByProject.get(task.projectId) ?? 0) + 1);
  }
  const start: string[] = [];
  for (const task of candidates) {
    if (active >= limits.global) break;
    const inProject = activeByProject.get(task.projectId) ?? 0;
    if (inProject >= limits.perProject(task.projectId)) continue;
    start.push(task.id);
    active++;
    activeByProject.set(task.projectId, inProject + 1);
  }
  return { start, promote, blocked, wakeAt };
}
