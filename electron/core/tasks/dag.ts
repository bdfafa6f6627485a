/**
 * The dependency graph of a set of tasks, as pure data: which tasks wait for which, loops, what is
 * ready, a topological order and the critical path. Ids are opaque strings (task ids in the
 * database, plan keys in the importer). Everything here is linear or near-linear in tasks + edges,
 * and iterative, so a 10,000-task chain does not exhaust the stack.
 */

/** taskId waits for dependsOnId. */
export interface DagEdge {
  taskId: string;
  dependsOnId: string;
}

export interface LongestPath {
  ids: string[];
  length: number;
}

export class DependencyGraph {
  private readonly deps = new Map<string, string[]>();
  private readonly dependents = new Map<string, string[]>();
  readonly ids: readonly string[];

  /** Edges that name an id not in `ids`, or an id twice, are ignored: the caller checks references. */
  constructor(ids: Iterable<string>, edges: Iterable<DagEdge>) {
    this.ids = [...ids];
    for (const id of this.ids) {
      this.deps.set(id, []);
      this.dependents.set(id, []);
    }
    const seen = new Set<string>();
    for (const { taskId, dependsOnId } of edges) {
      const of = this.deps.get(taskId);
      const by = this.dependents.get(dependsOnId);
      const pair = `${taskId}\u0000${dependsOnId}`;
      if (!of || !by || seen.has(pair)) continue;
      seen.add(pair);
      of.push(dependsOnId);
      by.push(taskId);
    }
  }

  has(id: string): boolean {
    return this.deps.has(id);
  }

  /** What the task waits for. */
  dependenciesOf(id: string): readonly string[] {
    return this.deps.get(id) ?? [];
  }

  /** What waits for the task. */
  dependentsOf(id: string): readonly string[] {
    return this.dependents.get(id) ?? [];
  }

  /** Its dependencies that are not done: why it is not ready. */
  blockedBy(id: string, isDone: (id: string) => boolean): string[] {
    return this.dependenciesOf(id).filter((dep) => !isDone(dep));
  }

  /** Not done, and every dependency done. */
  isReady(id: string, isDone: (id: string) => boolean): boolean {
    return !isDone(id) && this.dependenciesOf(id).every(isDone);
  }

  /**
   * The shortest chain of "waits for" edges that leads from `from` to `to`, both included, or null.
   * Adding "a waits for b" closes a loop exactly when pathBetween(b, a) exists.
   */
  pathBetween(from: string, to: string): string[] | null {
    if (!this.has(from) || !this.has(to)) return null;
    return this.shortestPath(from, to, () => true);
  }

  /**
   * The loop that "taskId waits for dependsOnId" would close, as ids around it starting and ending
   * with taskId; null when the edge is safe.
   */
  cycleIfAdded(taskId: string, dependsOnId: string): string[] | null {
    if (taskId === dependsOnId) return [taskId, taskId];
    const back = this.pathBetween(dependsOnId, taskId);
    return back ? [taskId, ...back] : null;
  }

  /**
   * Every loop, one per strongly connected component (Tarjan, iterative), each as the ids of one
   * closed walk through it, first id repeated at the end.
   */
  cycles(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const found: string[][] = [];
    let counter = 0;
    for (const root of this.ids) {
      if (index.has(root)) continue;
      const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
      index.set(root, counter);
      low.set(root, counter++);
      stack.push(root);
      onStack.add(root);
      while (work.length > 0) {
        const frame = work[work.length - 1]!;
        const deps = this.dependenciesOf(frame.id);
        if (frame.next < deps.length) {
          const dep = deps[frame.next++]!;
          if (!index.has(dep)) {
            index.set(dep, counter);
            low.set(dep, counter++);
            stack.push(dep);
            onStack.add(dep);
            work.push({ id: dep, next: 0 });
          } else if (onStack.has(dep)) {
            low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
          }
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
        if (low.get(frame.id) !== index.get(frame.id)) continue;
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && this.dependenciesOf(frame.id).includes(frame.id);
        if (component.length > 1 || selfLoop) found.push(this.walkAround(new Set(component)));
      }
    }
    return found;
  }

  /** A closed walk inside one strongly connected component, in "waits for" direction. */
  private walkAround(component: Set<string>): string[] {
    const start = [...component].sort()[0]!;
    const inside = (id: string) => component.has(id);
    for (const dep of this.dependenciesOf(start).filter(inside)) {
      const back = dep === start ? [start] : this.shortestPath(dep, start, (id) => component.has(id));
      if (back) return [start, ...back];
    }
    return [start, start];
  }

  /** Breadth-first along "waits for" edges, through the tasks `allowed` accepts. */
  private shortestPath(from: string, to: string, allowed: (id: string) => boolean): string[] | null {
    const previous = new Map<string, string | null>([[from, null]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head]!;
      if (id === to) {
        const path: string[] = [];
        for (let at: string | null = to; at !== null; at = previous.get(at) ?? null) path.push(at);
        return path.reverse();
      }
      for (const dep of this.dependenciesOf(id)) {
        if (!allowed(dep) || previous.has(dep)) continue;
        previous.set(dep, id);
        queue.push(dep);
      }
    }
    return null;
  }

  /**
   * Every id, each after all it waits for (Kahn); among those free at the same time, the lowest
   * `rank` first (priority, then board order). Ids caught in a loop come last, by rank.
   */
  topologicalOrder(rank: (id: string) => number): string[] {
    const waiting = new Map<string, number>();
    const heap = new MinHeap<string>((a, b) => rank(a) - rank(b));
    for (const id of this.ids) {
      const count = this.dependenciesOf(id).length;
      waiting.set(id, count);
      if (count === 0) heap.push(id);
    }
    const order: string[] = [];
    while (heap.size > 0) {
      const id = heap.pop()!;
      order.push(id);
      for (const dependent of this.dependentsOf(id)) {
        const left = waiting.get(dependent)! - 1;
        waiting.set(dependent, left);
        if (left === 0) heap.push(dependent);
      }
    }
    if (order.length < this.ids.length) {
      const placed = new Set(order);
      order.push(...this.ids.filter((id) => !placed.has(id)).sort((a, b) => rank(a) - rank(b)));
    }
    return order;
  }

  /** The heaviest chain of dependencies, first task first; weights are per task (hours, or 1). */
  longestPath(weight: (id: string) => number): LongestPath {
    const order = this.topologicalOrder(() => 0);
    const best = new Map<string, number>();
    const via = new Map<string, string | null>();
    let end: string | null = null;
    for (const id of order) {
      let before = 0;
      let from: string | null = null;
      for (const dep of this.dependenciesOf(id)) {
        const value = best.get(dep);
        if (value !== undefined && value > before) {
          before = value;
          from = dep;
        }
      }
      const total = before + weight(id);
      best.set(id, total);
      via.set(id, from);
      if (end === null || total > best.get(end)!) end = id;
    }
    const ids: string[] = [];
    const guard = new Set<string>();
    for (let at = end; at !== null && !guard.has(at); at = via.get(at) ?? null) {
      guard.add(at);
      ids.push(at);
    }
    return { ids: ids.reverse(), length: end === null ? 0 : best.get(end)! };
  }
}

/** A binary heap: the topological order must pick the best free task in O(log n), not O(n). */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
