import type { Task } from '../../shared/contract';
import { waitedWords } from '../core/scheduler/coreAbsence';

const clock = (at: number) => new Date(at).toTimeString().slice(0, 5);

/**
 * What a command that opened its own core says about the tasks in Ready: no app, serve or run
 * owns the data folder, so nothing starts them until one does — and since when none has run, when
 * the last one left a record of it. Null when none is ready.
 */
export function readyWaitLine(tasks: readonly Pick<Task, 'status'>[], absentSince: number | null = null, now = Date.now()): string | null {
  const ready = tasks.filter((t) => t.status === 'ready').length;
  if (ready === 0) return null;
  const noun = ready === 1 ? '1 task ready; it starts' : `${ready} tasks ready; they start`;
  const since = absentSince === null ? '' : ` (none has run since ${clock(absentSince)}, ${waitedWords(now - absentSince)} ago)`;
  return `${noun} when the app or \`switchyard run\` is running${since}`;
}

/** One line for each task that says it waited for the app to be back: its key, and how long. */
export function waitedLines(tasks: readonly (Pick<Task, 'reason'> & { planKey: string | null })[]): string[] {
  return tasks.flatMap((t) => (t.reason?.kind === 'waited_for_app' ? [`${t.planKey ?? '?'}: ${t.reason.message}`] : []));
}
