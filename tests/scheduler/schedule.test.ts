import { describe, expect, it } from 'vitest';
import type { TaskPriority, TaskStatus } from '../../shared/contract';
import { decide, STACKED, type SchedulableTask } from '../../electron/core/scheduler/schedule';

let order = 0;
function t(id: string, status: TaskStatus, dependsOn: string[] = [], extra: Partial<SchedulableTask> = {}): SchedulableTask {
  return { id, projectId: 'p', status, priority: 'normal' as TaskPriority, order: ++order, dependsOn, failures: 0, ...extra };
}
const limits = (global: number, perProject = global) => ({ global, perProject: () => perProject });

describe('scheduling decisions', () => {
  it('runs the diamond A → (B, C) → D in dependency order', () => {
    let tasks = [t('A', 'backlog'), t('B', 'backlog', ['A']), t('C', 'backlog', ['A']), t('D', 'backlog', ['B', 'C'])];
    const set = (id: string, status: TaskStatus) => (tasks = tasks.map((x) => (x.id === id ? { ...x, status } : x)));

    expect(decide(tasks, limits(4), 0)).toEqual({ start: ['A'], promote: ['A'], blocked: [], wakeAt: null });
    set('A', 'running');
    expect(decide(tasks, limits(4), 0).start).toEqual([]);
    set('A', 'done');
    expect(decide(tasks, limits(4), 0).start).toEqual(['B', 'C']);
    set('B', 'running');
    set('C', 'running');
    set('B', 'done');
    expect(decide(tasks, limits(4), 0).start).toEqual([]);
    set('C', 'done');
    expect(decide(tasks, limits(4), 0).start).toEqual(['D']);
  });

  it('a failing B blocks D, not C', () => {
    const tasks = [t('A', 'done'), t('B', 'failed', ['A'], { failures: 1 }), t('C', 'ready', ['A']), t('D', 'backlog', ['B', 'C'])];
    const decision = decide(tasks, limits(4), 0);
    expect(decision.start).toEqual(['C']);
    expect(decision.blocked).toEqual([{ taskId: 'D', by: ['B'] }]);
  });

  it('retries a failed task while it has attempts left, then blocks what depends on it', () => {
    const once = [t('B', 'failed', [], { failures: 1 }), t('D', 'backlog', ['B'])];
    expect(decide(once, limits(4), 1)).toEqual({ start: ['B'], promote: [], blocked: [], wakeAt: null });
    const twice = [t('B', 'failed', [], { failures: 2 }), t('D', 'backlog', ['B'])];
    expect(decide(twice, limits(4), 1)).toEqual({ start: [], promote: [], blocked: [{ taskId: 'D', by: ['B'] }], wakeAt: null });
  });

  it('leaves a task out until its retry wait is over, starts the others meanwhile, and says when to decide again', () => {
    const tasks = [t('B', 'failed', [], { failures: 1, notBefore: 5_000 }), t('R', 'ready', [], { notBefore: 8_000 }), t('C', 'ready')];
    expect(decide(tasks, limits(4), 2, undefined, 1_000)).toEqual({ start: ['C'], promote: [], blocked: [], wakeAt: 5_000 });
    expect(decide(tasks, limits(4), 2, undefined, 5_000)).toMatchObject({ start: ['B', 'C'], wakeAt: 8_000 });
    expect(decide(tasks, limits(4), 2, undefined, 8_000)).toMatchObject({ start: ['B', 'R', 'C'], wakeAt: null });
    // Out of attempts, the wait no longer matters: nothing to wake for.
    expect(decide([t('B', 'failed', [], { failures: 3, notBefore: 5_000 })], limits(4), 2, undefined, 1_000).wakeAt).toBeNull();
  });

  it('never exceeds the global or the per-project limit, counting live sessions', () => {
    const tasks = [t('R', 'running'), t('N', 'needs_input'), t('a', 'ready'), t('b', 'ready'), t('c', 'ready')];
    expect(decide(tasks, limits(3), 0).start).toEqual(['a']);
    expect(decide(tasks, limits(2), 0).start).toEqual([]);
    const two = [...tasks, t('x', 'ready', [], { projectId: 'q' }), t('y', 'ready', [], { projectId: 'q' })];
    expect(decide(two, { global: 10, perProject: (p) => (p === 'q' ? 1 : 3) }, 0).start).toEqual(['a', 'x']);
  });

  it('starts by priority, then by board order', () => {
    const tasks = [t('low', 'ready', [], { priority: 'low' }), t('n1', 'ready'), t('urgent', 'ready', [], { priority: 'urgent' }), t('n2', 'ready')];
    expect(decide(tasks, limits(3), 0).start).toEqual(['urgent', 'n1', 'n2']);
  });

  it('blocks transitively and survives a cycle without looping', () => {
    const chain = [t('A', 'failed', [], { failures: 1 }), t('B', 'backlog', ['A']), t('C', 'backlog', ['B'])];
    expect(decide(chain, limits(4), 0).blocked).toEqual([
      { taskId: 'B', by: ['A'] },
      { taskId: 'C', by: ['A'] },
    ]);
    const cycle = [t('X', 'backlog', ['Y']), t('Y', 'backlog', ['X'])];
    expect(decide(cycle, limits(4), 0)).toEqual({ start: [], promote: [], blocked: [], wakeAt: null });
  });

  it('ignores a dependency on a task that does not exist rather than starting too early', () => {
    expect(decide([t('A', 'backlog', ['ghost'])], limits(4), 0).start).toEqual([]);
  });

  it('with stacking, a dependency in review is enough to start', () => {
    const tasks = [t('A', 'review'), t('B', 'backlog', ['A'])];
    expect(decide(tasks, limits(4), 0).start).toEqual([]);
    expect(decide(tasks, limits(4), 0, STACKED).start).toEqual(['B']);
  });
});
