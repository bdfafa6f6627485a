import type { ParsedPlan, PlanFormat, PlanWarning, Task, TaskGraph } from '../../../shared/contract';

/** How the preview and the CLI name a format. */
export const FORMAT_NAMES: Record<PlanFormat, string> = {
  'task-master': 'Task Master tasks.json',
  'spec-kit': 'spec-kit tasks.md',
  kiro: 'Kiro tasks.md',
  markdown: 'markdown plan',
};

/**
 * What `switchyard import-plan --json` prints, the preview's model, keyed by the plan's ids:
 * `dependsOn` holds every edge the import creates (stated and derived), `derived` the derived ones
 * with the sentence each came from. The shape is stable: fields are added, never renamed.
 */
export function planJson(plan: ParsedPlan) {
  return {
    format: plan.format,
    tasks: plan.tasks.map((t) => ({
      key: t.key,
      title: t.title,
      phase: t.phase,
      agent: t.agent,
      model: t.model,
      priority: t.priority,
      done: t.done,
      optional: t.optional,
      parent: t.parentKey,
      dependsOn: t.dependsOn,
      steps: t.steps.map((s) => ({ key: s.key, text: s.text, done: s.done, optional: s.optional })),
      acceptance: t.acceptance,
      prompt: t.prompt,
      /** spec-kit's "[P]": may run beside the other tasks of its phase. */
      parallel: t.parallel,
      /** spec-kit's "[US1]". */
      story: t.story,
    })),
    derived: plan.derived.map((d) => ({ from: d.from, to: d.to, because: d.because })),
    cycles: plan.cycles,
    warnings: plan.warnings,
    title: plan.title,
    phases: plan.phases.map((p) => ({ name: p.name, done: p.done, tasks: p.taskCount, acceptance: p.acceptance })),
  };
}

function warningLines(warnings: PlanWarning[]): string[] {
  if (warnings.length === 0) return [];
  return ['', `warnings (${warnings.length}):`, ...warnings.map((w) => `  ${w.line ? `line ${w.line}: ` : ''}${w.message}`)];
}

/** The plan as a person reads it in a terminal: phases, tasks with agent and dependencies, warnings. */
export function formatPlan(plan: ParsedPlan): string {
  const lines = [
    `${plan.title ?? 'Plan'} (${FORMAT_NAMES[plan.format]}): ${plan.tasks.length} tasks, ${plan.edges.length} dependencies, ${plan.phases.length} phases`,
  ];
  const width = Math.min(12, Math.max(3, ...plan.tasks.map((t) => t.key.length)));
  let phase: string | null | undefined;
  for (const t of plan.tasks) {
    if (t.phase !== phase) {
      phase = t.phase;
      lines.push('', phase ?? '(no phase)');
    }
    const agent = t.agent ?? (t.agentLabel ? `${t.agentLabel}?` : '-');
    lines.push(`  ${t.done ? '[x]' : '[ ]'} ${t.key.padEnd(width)} ${t.title}  (${agent}${t.priority === 'normal' ? '' : `, ${t.priority}`})`);
    if (t.steps.length > 0) lines.push(`      steps ${t.steps.filter((s) => s.done).length}/${t.steps.length}`);
    if (t.dependsOn.length > 0) lines.push(`      after ${t.dependsOn.join(', ')}`);
  }
  if (plan.derived.length > 0) {
    lines.push('', `derived from the plan's words (${plan.derived.length}):`);
    for (const d of plan.derived) lines.push(`  ${d.to} after ${d.from}: "${d.because}"`);
  }
  if (plan.cycles.length > 0) lines.push('', ...plan.cycles.map((c) => `CYCLE: ${c.join(' → ')}`));
  lines.push(...warningLines(plan.warnings));
  return lines.join('\n');
}

/** One row per task for `switchyard tasks --json`: the plan's id when it has one, deps by the same names. */
export function taskRows(tasks: Task[], graph: TaskGraph) {
  const name = new Map(tasks.map((t) => [t.id, t.planKey ?? t.id]));
  const node = new Map(graph.nodes.map((n) => [n.id, n]));
  const position = new Map(tasks.map((t, i) => [t.id, i]));
  const deps = new Map<string, string[]>();
  const edges = [...graph.edges].sort((a, b) => (position.get(a.dependsOnId) ?? 0) - (position.get(b.dependsOnId) ?? 0));
  for (const e of edges) {
    const list = deps.get(e.taskId) ?? [];
    list.push(name.get(e.dependsOnId) ?? e.dependsOnId);
    deps.set(e.taskId, list);
  }
  return tasks.map((t) => ({
    id: t.id,
    key: t.planKey,
    title: t.title,
    status: t.status,
    /** Why a run could not start it (retrying, failed or blocked), while that holds. */
    reason: t.reason,
    /** While it waits for its agent's usage limit to reset: when it resets (epoch ms). */
    limitResetAt: t.limitResetAt,
    ready: node.get(t.id)?.ready ?? false,
    priority: t.priority,
    agent: t.agentKind,
    phase: t.phase,
    dependsOn: deps.get(t.id) ?? [],
  }));
}

export function formatTaskRows(rows: ReturnType<typeof taskRows>): string {
  if (rows.length === 0) return 'no tasks';
  const width = Math.min(12, Math.max(3, ...rows.map((r) => (r.key ?? '').length)));
  return rows
    .map((r) => {
      // The status is the task's column on the board; a task in Backlog that a run would start now says so.
      const status = r.status.padEnd(11);
      const deps = r.dependsOn.length > 0 ? `  ← ${r.dependsOn.join(', ')}` : '';
      const canStart = r.ready && r.status === 'backlog' ? '  (can start)' : '';
      const wait = r.limitResetAt === null ? '' : `  waiting for the limit to reset at ${new Date(r.limitResetAt).toTimeString().slice(0, 5)}`;
      return `${status} ${(r.key ?? '').padEnd(width)} ${r.title} (${r.agent})${deps}${canStart}${wait}`;
    })
    .join('\n');
}
