import type { Task, TaskStatus } from '../../../shared/contract';

/** The gap given to a card dropped after the last one of a column. */
export const ORDER_STEP = 1024;

/** An order value strictly between two neighbours (either may be missing at a column's ends). */
export function orderBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return ORDER_STEP;
  if (before === undefined) return after! - ORDER_STEP;
  if (after === undefined) return before + ORDER_STEP;
  return (before + after) / 2;
}

export interface Drop {
  status: TaskStatus;
  order: number;
}

/**
 * Where a dragged card lands: over another card it takes that card's place (the others move down,
 * or up when moving down within one column); over a column's empty space it goes to the end.
 * Returns null when nothing would change.
 */
export function dropPosition(
  tasks: readonly Task[],
  activeId: string,
  over: { taskId: string } | { status: TaskStatus },
): Drop | null {
  const active = tasks.find((t) => t.id === activeId);
  if (!active) return null;
  const status = 'status' in over ? over.status : tasks.find((t) => t.id === over.taskId)?.status;
  if (!status) return null;
  const column = tasks.filter((t) => t.status === status && t.id !== activeId).sort((a, b) => a.order - b.order);

  if ('status' in over) {
    if (active.status === status && column.every((t) => t.order < active.order)) return null;
    return { status, order: orderBetween(column.at(-1)?.order, undefined) };
  }
  if (over.taskId === activeId) return null;
  const index = column.findIndex((t) => t.id === over.taskId);
  const target = column[index]!;
  // Moving down within the same column puts the card after the one it is dropped on.
  const after = active.status === status && active.order < target.order;
  const order = after
    ? orderBetween(target.order, column[index + 1]?.order)
    : orderBetween(column[index - 1]?.order, target.order);
  return { status, order };
}
