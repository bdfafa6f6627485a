import { and, eq, inArray } from 'drizzle-orm';
import { TASK_PRIORITIES, type CriticalPath, type DependencyEdge, type Task, type TaskGraph } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { taskDeps, tasks } from '../db/schema';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../events';
import { DependencyGraph } from './dag';
import { estimateHours } from './estimate';

/** What the graph needs of a task. */
type GraphTask = Pick<Task, 'id' | 'title' | 'status' | 'priority' | 'order' | 'estimate'>;

/** Rank for "priority, then board order": lower runs first. */
export function scheduleRank(list: readonly GraphTask[]): (id: string) => number {
  const byId = new Map(list.map((t) => [t.id, t]));
  const sorted = [...list].sort((a, b) => a.order - b.order);
  const position = new Map(sorted.map((t, i) => [t.id, i]));
  return (id) => {
    const task = byId.get(id);
    if (!task) return Number.MAX_SAFE_INTEGER;
    return TASK_PRIORITIES.indexOf(task.priority) * sorted.length + position.get(id)!;
  };
}

/** The heaviest chain: by estimate in hours when the plan gave any (others count as the median), else by count. */
export function criticalPathOf(graph: DependencyGraph, list: readonly GraphTask[]): CriticalPath {
  const hours = new Map(list.map((t) => [t.id, estimateHours(t.estimate)]));
  const known = [...hours.values()].filter((h): h is number => h !== null).sort((a, b) => a - b);
  if (known.length === 0) {
    const path = graph.longestPath(() => 1);
    return { taskIds: path.ids, length: path.length, unit: 'tasks' };
  }
  const median = known[Math.floor(known.length / 2)]!;
  const path = graph.longestPath((id) => hours.get(id) ?? median);
  return { taskIds: path.ids, length: Math.round(path.length * 100) / 100, unit: 'hours' };
}

/** Not started yet: a task that runs, waits for review or failed is not "ready" to start. */
const waiting = (task: Pick<Task, 'status'>) => task.status === 'backlog' || task.status === 'ready';

export function buildGraph(list: readonly GraphTask[], edges: readonly DependencyEdge[]): DependencyGraph {
  return new DependencyGraph(
    list.map((t) => t.id),
    edges,
  );
}

/** Dependencies between tasks: every change is checked for loops; the graph view reads it whole. */
export class TaskGraphService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly projects: ProjectService,
  ) {}

  edges(projectId: string): DependencyEdge[] {
    this.projects.get(projectId);
    const ids = this.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId));
    return this.db
      .select({ taskId: taskDeps.taskId, dependsOnId: taskDeps.dependsOnId })
      .from(taskDeps)
      .where(inArray(taskDeps.taskId, ids))
      .all();
  }

  private projectTasks(projectId: string): GraphTask[] {
    return this.db
      .select({ id: tasks.id, title: tasks.title, status: tasks.status, priority: tasks.priority, order: tasks.order, estimate: tasks.estimate })
      .from(tasks)
      .where(eq(tasks.projectId, projectId))
      .all();
  }

  private task(id: string): Pick<Task, 'id' | 'projectId' | 'title'> {
    const row = this.db.select({ id: tasks.id, projectId: tasks.projectId, title: tasks.title }).from(tasks).where(eq(tasks.id, id)).get();
    if (!row) throw new SwitchyardError('NOT_FOUND', `no task with id ${id}`, { id });
    return row;
  }

  add(edge: DependencyEdge): DependencyEdge {
    const task = this.task(edge.taskId);
    const dependency = this.task(edge.dependsOnId);
    if (task.projectId !== dependency.projectId) {
      throw new SwitchyardError('BAD_INPUT', 'a task can only depend on a task of the same project', { ...edge });
    }
    const list = this.projectTasks(task.projectId);
    const loop = buildGraph(list, this.edges(task.projectId)).cycleIfAdded(edge.taskId, edge.dependsOnId);
    if (loop) {
      const titles = new Map(list.map((t) => [t.id, t.title]));
      throw new SwitchyardError(
        'CYCLE',
        `"${task.title}" cannot wait for "${dependency.title}": ${loop.map((id) => `"${titles.get(id)}"`).join(' → ')} would wait for each other`,
        { tasks: loop.map((id) => ({ id, title: titles.get(id) ?? id })) },
      );
    }
    this.db.insert(taskDeps).values({ taskId: edge.taskId, dependsOnId: edge.dependsOnId }).onConflictDoNothing().run();
    this.bus.emit('task.dependenciesChanged', { projectId: task.projectId });
    return { taskId: edge.taskId, dependsOnId: edge.dependsOnId };
  }

  remove(edge: DependencyEdge): { removed: boolean } {
    const task = this.task(edge.taskId);
    const result = this.db
      .delete(taskDeps)
      .where(and(eq(taskDeps.taskId, edge.taskId), eq(taskDeps.dependsOnId, edge.dependsOnId)))
      .run();
    if (result.changes > 0) this.bus.emit('task.dependenciesChanged', { projectId: task.projectId });
    return { removed: result.changes > 0 };
  }

  graph(projectId: string): TaskGraph {
    const list = this.projectTasks(projectId);
    const edges = this.edges(projectId);
    const graph = buildGraph(list, edges);
    const status = new Map(list.map((t) => [t.id, t.status]));
    const isDone = (id: string) => status.get(id) === 'done';
    const sorted = [...list].sort((a, b) => a.order - b.order);
    return {
      edges,
      nodes: sorted.map((t) => ({
        id: t.id,
        blockedBy: graph.blockedBy(t.id, isDone),
        blocks: [...graph.dependentsOf(t.id)],
        ready: waiting(t) && graph.isReady(t.id, isDone),
      })),
      order: graph.topologicalOrder(scheduleRank(list)),
      criticalPath: criticalPathOf(graph, list),
    };
  }
}
