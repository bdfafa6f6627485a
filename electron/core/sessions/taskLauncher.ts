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

/**
 * The program a task's session runs, as the agent side resolved it (agents/launcher.ts finds the
 * binary and builds the argv); `agentSessionId` is stored so that a later resume finds the conversation.
 */
export type TaskLaunch = AgentLaunch & { agentSessionId?: string };

/** Turns a task into the program its session runs: the agent side provides it; the host only runs it. */
export type TaskLauncher = (task: Task, request: LaunchRequest) => Promise<TaskLaunch>;
