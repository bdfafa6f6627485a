import type { DerivedEdge, ParsedPlan, PlanEdits, PlanFormat, PlannedTask } from '../../../shared/contract';

/** A planned task with the user's corrections laid over it, as the preview shows it. */
export function withEdits(task: PlannedTask, edits: PlanEdits): PlannedTask {
  const fix = edits.tasks[task.key];
  return fix ? { ...task, ...fix, agent: fix.agent !== undefined ? fix.agent : task.agent } : task;
}

export function emptyEdits(): PlanEdits {
  return { exclude: [], dropDerived: [], phasesInOrder: false, tasks: {} };
}

/** Records one correction; a value equal to what was read removes the correction. */
export function editTask<K extends keyof PlanEdits['tasks'][string]>(
  edits: PlanEdits,
  original: PlannedTask,
  field: K,
  value: NonNullable<PlanEdits['tasks'][string]>[K],
): PlanEdits {
  const current = { ...(edits.tasks[original.key] ?? {}) };
  const same = JSON.stringify((original as Record<string, unknown>)[field]) === JSON.stringify(value);
  if (same) delete current[field];
  else current[field] = value;
  const tasks = { ...edits.tasks };
  if (Object.keys(current).length === 0) delete tasks[original.key];
  else tasks[original.key] = current;
  return { ...edits, tasks };
}

export function toggleExcluded(edits: PlanEdits, key: string): PlanEdits {
  const exclude = edits.exclude.includes(key) ? edits.exclude.filter((k) => k !== key) : [...edits.exclude, key];
  return { ...edits, exclude };
}

/** "1.1, 1.2 2.3" → ["1.1", "1.2", "2.3"] */
export function parseKeys(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

export function summary(plan: ParsedPlan, edits: PlanEdits): string {
  const included = plan.tasks.length - edits.exclude.length;
  return `${included} of ${plan.tasks.length} tasks · ${plan.edges.length} dependencies · ${plan.phases.length} phases · ${plan.warnings.length} warnings`;
}

/** How the preview names the format a plan was read as. */
export const FORMAT_NAMES: Record<PlanFormat, string> = {
  'task-master': 'Task Master tasks.json',
  'spec-kit': 'spec-kit tasks.md',
  kiro: 'Kiro tasks.md',
  markdown: 'a markdown plan (general reader)',
};

/** Drops a derived order, or takes it back. */
export function toggleDerived(edits: PlanEdits, id: string): PlanEdits {
  const dropDerived = edits.dropDerived.includes(id) ? edits.dropDerived.filter((d) => d !== id) : [...edits.dropDerived, id];
  return { ...edits, dropDerived };
}

/** "Phase 1 → Phase 2", or "T001 → T002", for a derived order. */
export function derivedLabel(edge: DerivedEdge): string {
  return `${edge.to} waits for ${edge.from}`;
}
