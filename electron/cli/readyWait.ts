import type { Task } from '../../shared/contract';

/**
 * What a command that opened its own core says about the tasks in Ready: no app, serve or run
 * owns the data folder, so nothing starts them until one does. Null when none is ready.
 */
export function readyWaitLine(tasks: readonly Pick<Task, 'status'>[]): string | null {
  const ready = tasks.filter((t) => t.status === 'ready').length;
  if (ready === 0) return null;
  const noun = ready === 1 ? '1 task ready; it starts' : `${ready} tasks ready; they start`;
  return `${noun} when the app or \`switchyard run\` is running`;
}
