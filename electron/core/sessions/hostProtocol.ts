import type { StateChange } from '../../../shared/contract/sessionState';
import type { AgentLaunch } from './launch';

/**
 * The session host's whole interface: plain, serialisable commands in, plain events out. Nothing
 * crosses it by reference, so that the host can move into its own long-lived process (and agents
 * outlive the app) without changing its callers.
 */
export type HostCommand =
  /**
   * Runs a program in the session. `startSeq` numbers the output of a session the host does not
   * hold yet but whose earlier output is recorded (it ran before the app restarted): its batches
   * continue after that seq.
   */
  | { type: 'spawn'; sessionId: string; launch: AgentLaunch; cols: number; rows: number; startSeq?: number }
  | { type: 'input'; sessionId: string; data: string }
  | { type: 'resize'; sessionId: string; cols: number; rows: number }
  | { type: 'interrupt'; sessionId: string }
  | { type: 'stop'; sessionId: string }
  | { type: 'attach'; sessionId: string; clientId: string; cols?: number; rows?: number }
  | { type: 'detach'; sessionId: string; clientId: string }
  | { type: 'ack'; sessionId: string; clientId: string; chars: number }
  /** Forget an exited session (its screen mirror); a running one is refused. */
  | { type: 'release'; sessionId: string }
  | { type: 'list' };

export interface AttachReply {
  /** The screen as escape sequences; written into an empty terminal of the same size it reproduces it. */
  snapshot: string;
  /** The seq of the last output batch included in the snapshot: drop data events at or below it. */
  seq: number;
  cols: number;
  rows: number;
}

export interface HostSessionInfo {
  sessionId: string;
  pid: number;
  running: boolean;
  seq: number;
  cols: number;
  rows: number;
  paused: boolean;
  clients: string[];
  /** What the program runs (its latest run), for a core that adopts the session after a restart. */
  launch: AgentLaunch | null;
}

/** What each command answers. */
export interface HostReplies {
  spawn: { pid: number };
  input: null;
  resize: null;
  interrupt: null;
  stop: { exitCode: number; signal: number | null };
  attach: AttachReply;
  detach: null;
  ack: null;
  release: null;
  list: HostSessionInfo[];
}

export type HostCommandOf<T extends HostCommand['type']> = Extract<HostCommand, { type: T }>;

/**
 * The commands of the hot path, sent one way with no reply: a keystroke and an ack are messages,
 * not calls, so that an echo never waits behind the answer to the key that caused it.
 */
export type PostedCommand = HostCommandOf<'input' | 'ack'>;

export type HostEvent =
  /** One batch of output; `to` are the attached clients it is for (none when no pane shows it). */
  | { type: 'output'; sessionId: string; seq: number; data: string; to: string[] }
  /** The program ended; `hostLost` when it went with its host (killed or crashed), not on its own. */
  | { type: 'exited'; sessionId: string; exitCode: number; signal: number | null; at: number; hostLost?: boolean }
  /** The pty was paused (a client fell behind) or resumed. */
  | { type: 'flow'; sessionId: string; paused: boolean }
  /** A client was dropped; it must attach again to see the session. */
  | { type: 'detached'; sessionId: string; clientId: string; reason: 'slow' };

/**
 * A session's agent state, on a channel of its own beside the pty's events: the host says what
 * it knows (started, exited, stopped) and the session's observer what it infers (hooks, title,
 * screen). Whoever reads terminal output never sees it, and whoever records state never sifts
 * through output for it.
 */
export interface StateReport {
  sessionId: string;
  change: StateChange;
}
