import type { DerivedEdge, ParsedPlan, PlanEdits, PlannedTask, PlanWarning } from '../../../shared/contract';
import { DependencyGraph } from '../tasks/dag';
import { expandPhaseOrders, phasesInOrder } from './planOrder';

/**
 * Applies what the user fixed in the preview to what the importer read: tasks left out (and the
 * edges to them), fields corrected, dependencies replaced, derived orders dropped, phases run in
 * order. Edges, loops and phase counts are computed again, so the preview of the edited plan is
 * what the import writes.
 */
export function applyPlanEdits(plan: ParsedPlan, edits: PlanEdits | undefined): ParsedPlan {
  const dropDerived = edits?.dropDerived ?? [];
  const inOrder = edits?.phasesInOrder ?? false;
  if (!edits || (edits.exclude.length === 0 && Object.keys(edits.tasks).length === 0 && dropDerived.length === 0 && !inOrder)) return plan;
  const warnings: PlanWarning[] = [...plan.warnings];
  const known = new Set(plan.tasks.map((t) => t.key));
  for (const key of [...edits.exclude, ...Object.keys(edits.tasks)]) {
    if (!known.has(key)) warnings.push({ message: `the edit for ${key} names no task of the plan; ignored` });
  }
  const derivedIds = new Set([...plan.derived, ...(inOrder ? phasesInOrder(plan.phases) : [])].map((d) => ('id' in d ? d.id : `${d.from}→${d.to}`)));
  for (const id of dropDerived) if (!derivedIds.has(id)) warnings.push({ message: `the derived order ${id} to drop is not one the plan has; ignored` });
  const excluded = new Set(edits.exclude);
  const kept = new Set(plan.tasks.filter((t) => !excluded.has(t.key)).map((t) => t.key));
  const tasks: PlannedTask[] = plan.tasks
    .filter((t) => kept.has(t.key))
    .map((t) => {
      const edit = edits.tasks[t.key] ?? {};
      const stated = (edit.dependsOn ?? t.statedDependsOn).filter((key) => {
        if (kept.has(key) && key !== t.key) return true;
        if (edit.dependsOn?.includes(key)) warnings.push({ line: t.line, message: `the edit makes ${t.key} depend on ${key}, which is not imported; ignored` });
        return false;
      });
      const unique = [...new Set(stated)];
      return {
        ...t,
        ...edit,
        dependsOn: unique,
        statedDependsOn: unique,
        blocks: t.blocks.filter((key) => kept.has(key)),
        parallelWith: t.parallelWith.filter((key) => kept.has(key)),
        parentKey: t.parentKey !== null && kept.has(t.parentKey) ? t.parentKey : null,
      };
    });

  // The derived orders again over the tasks kept: task orders as read, phase orders expanded anew
  // (the tasks at a phase's ends may be others now), then "run phases in order" if asked.
  const drop = new Set(dropDerived);
  const deps = new Map(tasks.map((t) => [t.key, new Set(t.dependsOn)]));
  const derived: DerivedEdge[] = [];
  for (const d of plan.derived) {
    if (d.kind !== 'task' || drop.has(d.id)) continue;
    const edges = d.edges.filter((e) => kept.has(e.task) && kept.has(e.dependsOn) && !deps.get(e.task)!.has(e.dependsOn));
    if (edges.length === 0) continue;
    for (const e of edges) deps.get(e.task)!.add(e.dependsOn);
    derived.push({ ...d, edges });
  }
  const orders = plan.derived.filter((d) => d.kind === 'phase').map((d) => ({ from: d.from, to: d.to, because: d.because, line: d.line ?? 0 }));
  if (inOrder) orders.push(...phasesInOrder(plan.phases));
  derived.push(...expandPhaseOrders(tasks, deps, orders, drop, warnings));

  const position = new Map(tasks.map((t, i) => [t.key, i]));
  for (const t of tasks) t.dependsOn = [...deps.get(t.key)!].sort((a, b) => position.get(a)! - position.get(b)!);
  const edges = tasks.flatMap((t) => t.dependsOn.map((dependsOn) => ({ task: t.key, dependsOn })));
  const cycles = new DependencyGraph(
    tasks.map((t) => t.key),
    edges.map((e) => ({ taskId: e.task, dependsOnId: e.dependsOn })),
  ).cycles();
  const counts = new Map<string, number>();
  for (const t of tasks) if (t.phase !== null) counts.set(t.phase, (counts.get(t.phase) ?? 0) + 1);
  const phases = plan.phases.filter((p) => counts.has(p.name)).map((p) => ({ ...p, taskCount: counts.get(p.name)! }));
  const unorderedPhases = plan.unorderedPhases && !derived.some((d) => d.kind === 'phase');
  return { ...plan, tasks, edges, phases, cycles, warnings, derived, unorderedPhases };
}
