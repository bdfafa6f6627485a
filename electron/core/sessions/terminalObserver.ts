import type { StateChange } from '../../../shared/contract/sessionState';
import type { AgentLaunch } from './launch';

/** What an observer is told about the session it watches. */
export interface ObservedSession {
  sessionId: string;
  launch: AgentLaunch;
}

/**
 * What the host feeds about one running session's terminal (output, title, screen, exit), for
 * whatever infers the agent's state from it and reports the changes (the agent side's
 * StateObserver, in agents/stateObserver.ts). It never touches the pty.
 */
export interface TerminalObserver {
  onOutput(text: string): void;
  onTitle(title: string): void;
  /** Keys sent to the program, told by the core's host client as it sends them: an Enter answers a question. */
  onInput(data: string): void;
  /** The visible lines of the mirror, after it parsed new output (at most every SCREEN_SAMPLE_MS). */
  onScreen(lines: string[]): void;
  onExit(exitCode: number, signal: number | null): void;
  dispose(): void;
}

export type CreateTerminalObserver = (session: ObservedSession, report: (change: StateChange) => void) => TerminalObserver;

/** Until a state engine is wired, nothing is inferred: the host reports only what it knows (start, exit). */
export const noTerminalObserver: CreateTerminalObserver = () => ({
  onOutput: () => {},
  onTitle: () => {},
  onInput: () => {},
  onScreen: () => {},
  onExit: () => {},
  dispose: () => {},
});
