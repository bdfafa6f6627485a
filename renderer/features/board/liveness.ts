import type { Session, StateChange, Task } from '../../../shared/contract';
import type { AgentFacts } from './taskReason';

/** What a card offers for its task's agent: open the live one, resume the ended one, or start one. */
export type CardAction = 'open' | 'resume' | 'start';

/** Statuses whose work is not over: an agent that ended there is continued rather than started anew. */
const RESUMABLE_STATUSES = new Set<Task['status']>(['running', 'needs_input', 'review']);

/**
 * Each task's agent facts from the sessions the renderer holds: its live session if it has one,
 * else its newest; with that session's latest state change.
 */
export function agentFactsByTask(sessions: Record<string, Session>, latest: Record<string, StateChange>): Map<string, AgentFacts> {
  const chosen = new Map<string, Session>();
  for (const session of Object.values(sessions)) {
    const current = chosen.get(session.taskId);
    const better =
      !current ||
      (session.endedAt === null && current.endedAt !== null) ||
      ((session.endedAt === null) === (current.endedAt === null) && session.startedAt > current.startedAt);
    if (better) chosen.set(session.taskId, session);
  }
  const facts = new Map<string, AgentFacts>();
  for (const [taskId, session] of chosen) facts.set(taskId, { session, latest: latest[session.id] ?? null });
  return facts;
}

export const NO_AGENT: AgentFacts = { session: null, latest: null };

export function isLive(agent: AgentFacts): boolean {
  return agent.session !== null && agent.session.endedAt === null;
}

/**
 * Open while the agent is live; Resume when it ended (stopped for idleness, the app restarted) with
 * the task's work still under way and the same kind of agent; else Start.
 */
export function cardAction(task: Task, agent: AgentFacts): CardAction {
  const { session } = agent;
  if (!session) return 'start';
  if (session.endedAt === null) return 'open';
  return RESUMABLE_STATUSES.has(task.status) && session.agentKind === task.agentKind ? 'resume' : 'start';
}

/**
 * What a card says of its agent: live, with its state; or stopped after sitting idle (its
 * conversation waits to be resumed); null when it has none worth a word.
 */
export function agentChip(agent: AgentFacts): { text: string; live: boolean } | null {
  const { session } = agent;
  if (!session) return null;
  if (session.endedAt === null) return { text: `live · ${(agent.latest?.state ?? session.state).replace('_', ' ')}`, live: true };
  return session.stopReason === 'idle' ? { text: 'stopped while idle', live: false } : null;
}
