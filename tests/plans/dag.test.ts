import { describe, expect, it } from 'vitest';
import { DependencyGraph } from '../../electron/core/tasks/dag';
import { estimateHours } from '../../electron/core/tasks/estimate';
import { criticalPathOf, scheduleRank } from '../../electron/core/tasks/taskGraphService';
import type { Task } from '../../shared/contract';

const edge = (taskId: string, dependsOnId: string) => ({ taskId, dependsOnId });

/** A → (B, C) → D: B and C wait for A, D waits for both. */
function diamond() {
  return new DependencyGraph(['A', 'B', 'C', 'D'], [edge('B', 'A'), edge('C', 'A'), edge('D', 'B'), edge('D', 'C')]);
}

function task(id: string, fields: Partial<Task> = {}): Pick<Task, 'id' | 'title' | 'status' | 'priority' | 'order' | 'estimate'> {
  return { id, title: id, status: 'backlog', priority: 'normal', order: 0, estimate: null, ...fields };
}

describe('the dependency graph', () => {
  it('finds no loop in a diamond, and each loop of a tangled graph once', () => {
    expect(diamond().cycles()).toEqual([]);
    const tangled = new DependencyGraph(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('d', 'e'), edge('e', 'd'), edge('f', 'f'), edge('f', 'a')],
    );
    expect(tangled.cycles().map((c) => c.join('>')).sort()).toEqual(['a>b>c>a', 'd>e>d', 'f>f']);
  });

  it('says which loop a new edge would close, and nothing for a safe edge', () => {
    const g = diamond();
    expect(g.cycleIfAdded('A', 'D')).toEqual(['A', 'D', 'B', 'A']);
    expect(g.cycleIfAdded('B', 'B')).toEqual(['B', 'B']);
    expect(g.cycleIfAdded('D', 'A')).toBeNull();
    expect(g.cycleIfAdded('C', 'B')).toBeNull();
  });

  it('ready = not done and every dependency done; blockedBy names what is missing', () => {
    const g = diamond();
    const done = new Set(['A', 'B']);
    const isDone = (id: string) => done.has(id);
    expect(['A', 'B', 'C', 'D'].filter((id) => g.isReady(id, isDone))).toEqual(['C']);
    expect(g.blockedBy('D', isDone)).toEqual(['C']);
    expect(g.dependentsOf('A')).toEqual(['B', 'C']);
    done.add('C');
    expect(g.isReady('D', isDone)).toBe(true);
  });

  it('orders dependencies first, ties by rank, and puts a loop last instead of failing', () => {
    const rank = (id: string) => ({ A: 3, B: 2, C: 1, D: 0 })[id] ?? 9;
    expect(diamond().topologicalOrder(rank)).toEqual(['A', 'C', 'B', 'D']);
    const looped = new DependencyGraph(['x', 'y', 'z'], [edge('x', 'y'), edge('y', 'x')]);
    expect(looped.topologicalOrder((id) => id.charCodeAt(0))).toEqual(['z', 'x', 'y']);
  });

  it('takes the heaviest chain as the critical path', () => {
    const hours: Record<string, number> = { A: 1, B: 5, C: 2, D: 1 };
    expect(diamond().longestPath((id) => hours[id]!)).toEqual({ ids: ['A', 'B', 'D'], length: 7 });
    hours.C = 9;
    expect(diamond().longestPath((id) => hours[id]!)).toEqual({ ids: ['A', 'C', 'D'], length: 11 });
    expect(new DependencyGraph([], []).longestPath(() => 1)).toEqual({ ids: [], length: 0 });
  });

  it('handles a 10,000-task chain without exhausting the stack', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `t${i}`);
    const g = new DependencyGraph(ids, ids.slice(1).map((id, i) => edge(id, ids[i]!)));
    expect(g.cycles()).toEqual([]);
    expect(g.longestPath(() => 1).length).toBe(10_000);
    expect(g.cycleIfAdded('t0', 't9999')).toHaveLength(10_001);
  });
});

describe('critical path and schedule rank over tasks', () => {
  it('weighs by estimate in hours when the plan gave any, counting unknown ones as the median', () => {
    const tasks = [task('A', { estimate: '2h' }), task('B', { estimate: '1 day' }), task('C', { estimate: '4-6 hours' }), task('D')];
    const path = criticalPathOf(diamond(), tasks);
    // A 2 + B 8 + D (median of 2, 5, 8 = 5) = 15.
    expect(path).toEqual({ taskIds: ['A', 'B', 'D'], length: 15, unit: 'hours' });
  });

  it('counts tasks when no estimate is known', () => {
    expect(criticalPathOf(diamond(), ['A', 'B', 'C', 'D'].map((id) => task(id)))).toEqual({
      taskIds: ['A', 'B', 'D'],
      length: 3,
      unit: 'tasks',
    });
  });

  it('ranks by priority first, then board order', () => {
    const rank = scheduleRank([
      task('low-first', { priority: 'low', order: 1 }),
      task('normal-late', { priority: 'normal', order: 9 }),
      task('normal-early', { priority: 'normal', order: 2 }),
      task('urgent', { priority: 'urgent', order: 5 }),
    ]);
    const ids = ['low-first', 'normal-late', 'normal-early', 'urgent'];
    expect(ids.sort((a, b) => rank(a) - rank(b))).toEqual(['urgent', 'normal-early', 'normal-late', 'low-first']);
  });

  it('reads hours out of estimates as plans write them', () => {
    expect(estimateHours('4-6 hours')).toBe(5);
    expect(estimateHours('2h')).toBe(2);
    expect(estimateHours('1.5 days')).toBe(12);
    expect(estimateHours('1 week')).toBe(40);
    expect(estimateHours('30 min')).toBe(0.5);
    expect(estimateHours('High')).toBeNull();
    expect(estimateHours('3 points')).toBeNull();
    expect(estimateHours(null)).toBeNull();
  });
});
