import type { AgentKind, Task, TaskStatus } from '../../../shared/contract';

/** The statuses the header counts, each a button that shows only the tasks in it. */
export const COUNTED_STATUSES = [
  { status: 'running', label: 'running', hint: 'whose agent works' },
  { status: 'needs_input', label: 'needs you', hint: 'whose agent waits for your answer' },
  { status: 'ready', label: 'ready', hint: 'ready to start' },
  { status: 'failed', label: 'failed', hint: 'that failed or are blocked' },
] as const satisfies readonly { status: TaskStatus; label: string; hint: string }[];
export type CountedStatus = (typeof COUNTED_STATUSES)[number]['status'];

export interface BoardFilter {
  query: string;
  agent: AgentKind | '';
  phase: string;
  /** Only the tasks in this status, as chosen with a header count; '' for every status. */
  status: CountedStatus | '';
}

export const NO_FILTER: BoardFilter = { query: '', agent: '', phase: '', status: '' };

/** Tasks that match the search text (title or prompt, any case) and the chosen agent, phase and status. */
export function filterTasks(tasks: readonly Task[], filter: BoardFilter): Task[] {
  const query = filter.query.trim().toLowerCase();
  return tasks.filter(
    (t) =>
      (filter.status === '' || t.status === filter.status) &&
      (filter.agent === '' || t.agentKind === filter.agent) &&
      (filter.phase === '' || t.phase === filter.phase) &&
      (query === '' || t.title.toLowerCase().includes(query) || t.prompt.toLowerCase().includes(query)),
  );
}

/** How many tasks are in each counted status. */
export function statusCounts(tasks: readonly Task[]): Record<CountedStatus, number> {
  const counts: Record<CountedStatus, number> = { running: 0, needs_input: 0, ready: 0, failed: 0 };
  for (const task of tasks) if (task.status in counts) counts[task.status as CountedStatus]++;
  return counts;
}

/** A click on a header count: shows only that status, or every status again when it was already shown. */
export function toggleStatus(filter: BoardFilter, status: CountedStatus): BoardFilter {
  return { ...filter, status: filter.status === status ? '' : status };
}

/** The phases present among the tasks, in first-seen board order. */
export function phasesOf(tasks: readonly Task[]): string[] {
  return [...new Set(tasks.map((t) => t.phase).filter((p): p is string => p !== null))];
}
