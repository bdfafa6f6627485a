import type { AgentKind, ParsedPlan } from '../../../shared/contract';

/**
 * Whether an agent kind's executable is found here (its configured path, else PATH and its usual
 * places: the lookup a start does), and the agent's name. The core wires it to electron/core/agents.
 */
export type AgentInstalled = (kind: AgentKind) => Promise<{ installed: boolean; label: string }>;

/**
 * The plan with the agents its tasks need that are not installed (each task's own agent, else
 * the project's default), and a warning naming them and their tasks.
 */
export async function withMissingAgents(plan: ParsedPlan, defaultAgent: AgentKind, installed: AgentInstalled): Promise<ParsedPlan> {
  const tasksOf = new Map<AgentKind, string[]>();
  for (const t of plan.tasks) {
    if (t.done) continue;
    const kind = t.agent ?? defaultAgent;
    const keys = tasksOf.get(kind);
    if (keys) keys.push(t.key);
    else tasksOf.set(kind, [t.key]);
  }
  const missing: AgentKind[] = [];
  const warnings = [...plan.warnings];
  for (const [kind, keys] of tasksOf) {
    const found = await installed(kind);
    if (found.installed) continue;
    missing.push(kind);
    const named = keys.length > 8 ? `${keys.slice(0, 8).join(', ')} and ${keys.length - 8} more` : keys.join(', ');
    warnings.push({ message: `${found.label} is not installed here: ${named} cannot start until it is (or choose another agent)` });
  }
  if (missing.length === 0) return plan;
  return { ...plan, missingAgents: missing, warnings };
}
