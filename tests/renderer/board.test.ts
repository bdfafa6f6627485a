import { describe, expect, it } from 'vitest';
import type { Task, TaskStatus } from '../../shared/contract';
import { dropPosition, orderBetween, ORDER_STEP } from '../../renderer/features/board/boardOrder';
import { filterTasks, phasesOf } from '../../renderer/features/board/filters';
import { taskDto } from './taskDto';

function task(id: string, status: TaskStatus, order: number, extra: Partial<Task> = {}): Task {
  return taskDto(id, status, { order, ...extra });
}

describe('board ordering', () => {
  it('finds an order strictly between neighbours, or past a missing one', () => {
    expect(orderBetween(undefined, undefined)).toBe(ORDER_STEP);
    expect(orderBetween(10, undefined)).toBe(10 + ORDER_STEP);
    expect(orderBetween(undefined, 10)).toBe(10 - ORDER_STEP);
    expect(orderBetween(10, 20)).toBe(15);
  });

  const tasks = [task('a', 'backlog', 1), task('b', 'backlog', 2), task('c', 'backlog', 3), task('x', 'ready', 1)];

  it('moving a card up takes the place of the card it is dropped on', () => {
    expect(dropPosition(tasks, 'c', { taskId: 'a' })).toEqual({ status: 'backlog', order: orderBetween(undefined, 1) });
  });

  it('moving a card down within its column puts it after the card it is dropped on', () => {
    expect(dropPosition(tasks, 'a', { taskId: 'b' })).toEqual({ status: 'backlog', order: 2.5 });
  });

  it('dropping on another column card takes that card place in that column', () => {
    expect(dropPosition(tasks, 'b', { taskId: 'x' })).toEqual({ status: 'ready', order: orderBetween(undefined, 1) });
  });

  it('dropping on a column goes to its end, and on an empty column gives a first order', () => {
    expect(dropPosition(tasks, 'a', { status: 'ready' })).toEqual({ status: 'ready', order: 1 + ORDER_STEP });
    expect(dropPosition(tasks, 'a', { status: 'done' })).toEqual({ status: 'done', order: ORDER_STEP });
  });

  it('changes nothing for a drop on itself or at the end of the column it already ends', () => {
    expect(dropPosition(tasks, 'a', { taskId: 'a' })).toBeNull();
    expect(dropPosition(tasks, 'c', { status: 'backlog' })).toBeNull();
    expect(dropPosition(tasks, 'ghost', { status: 'backlog' })).toBeNull();
  });
});

describe('board filters', () => {
  const tasks = [
    task('Parser', 'backlog', 1, { prompt: 'Use remark', phase: 'Phase 1', agentKind: 'codex' }),
    task('Scheduler', 'ready', 2, { phase: 'Phase 2' }),
    task('Board', 'done', 3, { phase: 'Phase 1' }),
  ];

  it('matches the search in titles and prompts, any case, with agent and phase', () => {
    expect(filterTasks(tasks, { query: 'REMARK', agent: '', phase: '', status: '' }).map((t) => t.id)).toEqual(['Parser']);
    expect(filterTasks(tasks, { query: '', agent: 'claude-code', phase: '', status: '' }).map((t) => t.id)).toEqual(['Scheduler', 'Board']);
    expect(filterTasks(tasks, { query: '', agent: '', phase: 'Phase 1', status: '' }).map((t) => t.id)).toEqual(['Parser', 'Board']);
    expect(filterTasks(tasks, { query: 'zzz', agent: '', phase: '', status: '' })).toEqual([]);
  });

  it('lists each phase once, in board order', () => {
    expect(phasesOf(tasks)).toEqual(['Phase 1', 'Phase 2']);
  });
});
