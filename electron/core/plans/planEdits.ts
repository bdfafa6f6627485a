import type { ParsedPlan, PlanEdits, PlannedTask, PlanWarning } from '../../../shared/contract';
import { DependencyGraph } from '../tasks/dag';

/**
 * Applies what the user fixed in the preview to what the importer read: tasks left out (and the
 * edges to them), fields corrected, dependencies replaced. Edges, loops and phase counts are
 * computed again, so the preview of the edited plan is what the import writes.
 */
export function applyPlanEdits(plan: ParsedPlan, edits: PlanEdits | undefined): ParsedPlan {
  if (!edits || (edits.exclude.length === 0 && Object.keys(edits.tasks).length === 0)) return plan;
  const warnings: PlanWarning[] = [...plan.warnings];
  const known = new Set(plan.tasks.map((t) => t.key));
  for (const key of [...edits.exclude, ...Object.keys(edits.tasks)]) {
    if (!known.has(key)) warnings.push({ message: `the edit for ${key} names no task of the plan; ignored` });
  }
  const excluded = new Set(edits.exclude);
  const kept = new Set(plan.tasks.filter((t) => !excluded.has(t.key)).map((t) => t.key));
  const tasks: PlannedTask[] = plan.tasks
    .filter((t) => kept.has(t.key))
    .map((t) => {
      const edit = edits.tasks[t.key] ?? {};
      const dependsOn = (edit.dependsOn ?? t.dependsOn).filter((key) => {
        if (kept.has(key) && key !== t.key) return true;
        if (edit.dependsOn?.includes(key)) warnings.push({ line: t.line, message: `the edit makes ${t.key} depend on ${key}, which is not imported; ignored` });
        return false;
      });
      return {
        ...t,
        ...edit,
        dependsOn: [...new Set(dependsOn)],
        blocks: t.blocks.filter((key) => kept.has(key)),
        parallelWith: t.parallelWith.filter((key) => kept.has(key)),
        parentKey: t.parentKey !== null && kept.has(t.parentKey) ? t.parentKey : null,
      };
    });
  const edges = tasks.flatMap((t) => t.dependsOn.map((dependsOn) => ({ task: t.key, dependsOn })));
  const cycles = new DependencyGraph(
    tasks.map((t) => t.key),
    edges.map((e) => ({ taskId: e.task, dependsOnId: e.dependsOn })),
  ).cycles();
  const counts = new Map<string, number>();
  for (const t of tasks) if (t.phase !== null) counts.set(t.phase, (counts.get(t.phase) ?? 0) + 1);
  const phases = plan.phases.filter((p) => counts.has(p.name)).map((p) => ({ ...p, taskCount: counts.get(p.name)! }));
  return { ...plan, tasks, edges, phases, cycles, warnings };
}
