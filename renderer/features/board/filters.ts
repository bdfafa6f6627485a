import type { AgentKind, Task } from '../../../shared/contract';

export interface BoardFilter {
  query: string;
  agent: AgentKind | '';
  phase: string;
}

export const NO_FILTER: BoardFilter = { query: '', agent: '', phase: '' };

/** Tasks that match the search text (title or prompt, any case) and the chosen agent and phase. */
export function filterTasks(tasks: readonly Task[], filter: BoardFilter): Task[] {
  const query = filter.query.trim().toLowerCase();
  return tasks.filter(
    (t) =>
      (filter.agent === '' || t.agentKind === filter.agent) &&
      (filter.phase === '' || t.phase === filter.phase) &&
      (query === '' || t.title.toLowerCase().includes(query) || t.prompt.toLowerCase().includes(query)),
  );
}

/** The phases present among the tasks, in first-seen board order. */
export function phasesOf(tasks: readonly Task[]): string[] {
  return [...new Set(tasks.map((t) => t.phase).filter((p): p is string => p !== null))];
}
