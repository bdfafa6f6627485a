import type { StateChange } from '../../../shared/contract/sessionState';
import type { AgentLaunch } from './launch';

/** What an observer is told about the session it watches. */
export interface ObservedSession {
  sessionId: string;
  launch: AgentLaunch;
}

/**
 * Watches one running session and reports the state changes it infers (from hooks, the terminal
 * title, the screen, a watchdog). The host feeds it; it never touches the pty.
 */
export interface SessionObserver {
  onOutput(text: string): void;
  onTitle(title: string): void;
  /** The visible lines of the mirror, after it parsed new output (at most every SCREEN_SAMPLE_MS). */
  onScreen(lines: string[]): void;
  onExit(exitCode: number, signal: number | null): void;
  dispose(): void;
}

export type CreateObserver = (session: ObservedSession, report: (change: StateChange) => void) => SessionObserver;

/** Until a state engine is wired, nothing is inferred: the host reports only what it knows (start, exit). */
export const noObserver: CreateObserver = () => ({
  onOutput: () => {},
  onTitle: () => {},
  onScreen: () => {},
  onExit: () => {},
  dispose: () => {},
});
