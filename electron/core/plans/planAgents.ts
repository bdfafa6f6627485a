import type { AgentKind, ParsedPlan } from '../../../shared/contract';
import { AGENT_ADAPTERS } from '../agents/launcher';

/** Whether an agent kind's program is found here, looked for as a start looks for it (electron/core/agents/installed.ts). */
export type AgentInstalled = (kind: AgentKind) => Promise<{ installed: boolean }>;

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
    warnings.push({ message: `${AGENT_ADAPTERS[kind].label} is not installed here: ${named} cannot start until it is (or choose another agent)` });
  }
  if (missing.length === 0) return plan;
  return { ...plan, missingAgents: missing, warnings };
}
