import type { Session, StateChange, Task } from '../../../shared/contract';

/** How a card's reason line looks: each tone has its colour. */
export type ReasonTone = 'failed' | 'blocked' | 'retrying' | 'needs';

export interface CardReason {
  tone: ReasonTone;
  /** One line: the card shows it whole or cut at its end. */
  text: string;
}

/** What the task view shows about a failure: the whole message and what the user can do. */
export interface ReasonDetails {
  tone: ReasonTone;
  title: string;
  code: string | null;
  message: string;
  advice: string;
  /** A page of the app that fixes it, offered as a button. */
  fix: 'agent-settings' | 'edit-task' | null;
}

/** The first line of a message, for a card. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/** HH:MM in the user's clock. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** What the card knows about the task's agent, beside the task itself. */
export interface AgentFacts {
  /** The task's newest session, if any. */
  session: Session | null;
  /** That session's latest state change, with its detail (the question, for needs_input). */
  latest: StateChange | null;
}

/**
 * The one-line reason a card shows for a task that needs attention: a failed or blocked start, a
 * retry that is due, a question of its agent, an agent that failed.
 */
export function cardReason(task: Task, agent: AgentFacts): CardReason | null {
  const reason = task.reason;
  if (reason?.kind === 'blocked') {
    return { tone: 'blocked', text: reason.code === 'AGENT_NOT_FOUND' ? 'blocked: agent not installed' : `blocked: ${firstLine(reason.message)}` };
  }
  if (reason?.kind === 'failed' || reason?.kind === 'crashed') return { tone: 'failed', text: `failed: ${firstLine(reason.message)}` };
  if (reason?.kind === 'retrying') {
    const at = reason.retryAt === null ? '' : ` at ${clockTime(reason.retryAt)}`;
    return { tone: 'retrying', text: `start failed, next try${at}: ${firstLine(reason.message)}` };
  }
  // It could have started while no app, serve or run was running: how long it waited.
  if (reason?.kind === 'waited_for_app') return { tone: 'retrying', text: firstLine(reason.message) };
  const resetAt = task.limitResetAt ?? (reason?.kind === 'usage_limit' ? reason.retryAt : null);
  if (resetAt !== null) return { tone: 'retrying', text: `waiting for the limit to reset at ${clockTime(resetAt)}` };
  const live = agent.session !== null && agent.session.endedAt === null;
  const asking = task.status === 'needs_input' || (live && (agent.latest?.state ?? agent.session?.state) === 'needs_input');
  if (asking) {
    const question = agent.latest?.state === 'needs_input' && agent.latest.detail ? firstLine(agent.latest.detail) : 'the agent waits for your answer';
    return { tone: 'needs', text: `needs you: ${question}` };
  }
  if (task.status === 'failed') {
    const exit = agent.session?.exitCode;
    return { tone: 'failed', text: exit !== null && exit !== undefined ? `failed: the agent exited with code ${exit}` : 'failed' };
  }
  return null;
}

/** What to do about each kind of start failure, by error code. */
const ADVICE: Record<string, { advice: string; fix: ReasonDetails['fix'] }> = {
  AGENT_NOT_FOUND: { advice: 'Install it, or set its path in Settings → Agents. Then move the task back to Ready.', fix: 'agent-settings' },
  BAD_INPUT: { advice: 'Correct the task (for a custom command, its command line) and move it back to Ready.', fix: 'edit-task' },
  AGENT_CRASHED: { advice: 'Read the end of its terminal, then resume the agent or start the task again.', fix: null },
  USAGE_LIMIT: { advice: 'Nothing to do: its conversation resumes by itself once the limit resets (Settings → Scheduler turns this off).', fix: null },
  WAITED_FOR_APP: {
    advice: 'Nothing to do: its project’s run was on while no app, serve or run was running, so nothing could start it. Keep one running (quitting can keep the agents running) for tasks to start as soon as they can.',
    fix: null,
  },
  SETUP_FAILED: { advice: 'The worktree could not be set up: fix the setup script or the files it copies, then move the task back to Ready.', fix: null },
};
const GENERIC_ADVICE = 'Fix the cause, then move the task back to Ready or start it again.';

/** The heading of a reason in the task view. */
function reasonTitle(reason: NonNullable<Task['reason']>): string {
  const at = (fallback: string) => (reason.retryAt === null ? fallback : ` at ${clockTime(reason.retryAt)}`);
  switch (reason.kind) {
    case 'blocked':
      return reason.code === 'AGENT_NOT_FOUND' ? 'Blocked: the agent is not installed' : 'Blocked';
    case 'crashed':
      return 'The agent crashed';
    case 'failed':
      return reason.attempts > 0 ? `Failed after ${reason.attempts} ${reason.attempts === 1 ? 'attempt' : 'attempts'} to start` : 'Failed';
    case 'usage_limit':
      return `Waiting for the usage limit to reset${at('')}`;
    case 'retrying':
      return `The start failed; next try${at(' soon')} (attempt ${reason.attempts})`;
    case 'waited_for_app':
      return 'Waited for Switchyard to be back';
  }
}

/** The whole story of why a task did not start or stopped, for the task view; null when nothing is wrong. */
export function reasonDetails(task: Task, agent: AgentFacts): ReasonDetails | null {
  const reason = task.reason;
  if (reason) {
    const { advice, fix } = ADVICE[reason.code] ?? { advice: GENERIC_ADVICE, fix: null };
    const title = reasonTitle(reason);
    const tone: ReasonTone = reason.kind === 'usage_limit' || reason.kind === 'waited_for_app' ? 'retrying' : reason.kind === 'crashed' ? 'failed' : reason.kind;
    return { tone, title, code: reason.code, message: reason.message, advice, fix };
  }
  if (task.status === 'failed') {
    const exit = agent.session?.exitCode;
    return {
      tone: 'failed',
      title: 'Failed',
      code: null,
      message: exit !== null && exit !== undefined ? `The agent exited with code ${exit}.` : 'The task was marked failed.',
      advice: 'Read the end of its terminal, then resume the agent or start the task again.',
      fix: null,
    };
  }
  return null;
}
