import type { Task } from '../../../shared/contract';
import type { AgentLaunch } from './launch';

export interface LaunchRequest {
  sessionId: string;
  /** Continue the agent's own conversation instead of starting a new one. */
  resume: boolean;
  /** The agent's id for the conversation being resumed, as stored from an earlier launch. */
  agentSessionId: string | null;
  /** With `resume`: a message that carries the conversation on, e.g. after its work was interrupted. */
  followUp?: string;
}

/** What an adapter decided; `agentSessionId` is stored so that a later resume can find the conversation. */
export type ResolvedLaunch = AgentLaunch & { agentSessionId?: string };

/** Turns a task into the program to run: the agent adapters provide it; the host only runs it. */
export type Launcher = (task: Task, request: LaunchRequest) => Promise<ResolvedLaunch>;
