import type { AgentKind } from '../../../shared/contract';
import type { StateChange } from '../../../shared/contract/sessionState';
import type { Disposable } from '../disposable';
import type { HookServer } from './hookServer';
import { AGENT_ADAPTERS } from './launcher';
import { StateEngine } from './stateEngine';
import { UsageLimitScanner } from './usageLimitScanner';
import type { UsageLimit } from './usageLimits';

/** Time and timers, injectable so that tests can drive the watchdog. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface StateObserverOptions {
  kind: AgentKind;
  /** Switchyard's session id: the hook server delivers this session's hooks. */
  sessionId: string;
  /** Given when the launch has hooks (ResolvedLaunch.hooks). */
  hookServer?: HookServer;
  /** Every change of state, in order. */
  onChange: (change: StateChange) => void;
  /**
   * The agent's own conversation id as its hooks report it, when it first shows or changes (Claude
   * Code starts a new one on /clear): store it so that a resume continues the latest conversation.
   */
  onAgentSessionId?: (agentSessionId: string) => void;
  /** A usage or rate limit the agent reported in this run (once per run). */
  onUsageLimit?: (limit: UsageLimit) => void;
  /** The file in which the agent records the conversation, as its hooks name it (`transcript_path`), when it first shows or changes. */
  onTranscriptPath?: (path: string) => void;
  /** Override of IDLE_WATCHDOG_MS. */
  watchdogMs?: number;
  clock?: Clock;
}

/** What the session host feeds, per session. */
export interface StateObserver extends Disposable {
  /** Output text as decoded (any batch size): it keeps the idle watchdog at bay. */
  onOutput(text: string): void;
  /** A new terminal title (OSC 0/2), as the mirror reports it (it may be mid-parse). */
  onTitle(title: string): void;
  /** Keys sent to the agent (typed by the user, or an answer the policy gave). */
  onInput(text: string): void;
  /**
   * The visible screen of the headless mirror, one string per row, after each parsed batch of
   * output. Readings wait for it: a title that stops spinning is only weighed with the next screen.
   */
  onScreen(lines: readonly string[]): void;
  /** The process ended: code 0 → exited, anything else (or a signal) → failed. */
  onExit(code: number | null, signal: number | string | null): void;
  /** The latest change, or null while still starting. */
  readonly state: StateChange | null;
  dispose(): void;
}

export function createStateObserver(options: StateObserverOptions): StateObserver {
  const clock = options.clock ?? systemClock;
  const engine = new StateEngine({ signals: AGENT_ADAPTERS[options.kind].signals, watchdogMs: options.watchdogMs });
  let timer: unknown = null;
  let timerDue: number | null = null;
  let disposed = false;

  /**
   * The idle of a turn that a rate limit ended, held until the limit is read (within the scanner's
   * settle time): told at once, it would move the task to Review and free its slot for another
   * task of the same limited agent before the limit is known. A later change replaces it.
   */
  let heldIdle: StateChange | null = null;

  const emit = (change: StateChange | null) => {
    if (change !== null) heldIdle = null;
    if (change !== null && !disposed) options.onChange(change);
    arm();
  };

  /** Keeps one timer at most; output only moves the due time later, so a pending timer is reused. */
  function arm(): void {
    const due = disposed ? null : engine.due();
    if (due !== null && timerDue !== null && due >= timerDue) return;
    if (due === timerDue) return;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    timerDue = due;
    if (due === null) return;
    timer = clock.setTimeout(() => {
      timer = null;
      timerDue = null;
      emit(engine.tick(clock.now()));
    }, Math.max(0, due - clock.now()));
  }

  const limits = options.onUsageLimit
    ? new UsageLimitScanner(options.kind, clock, (limit) => {
        if (!disposed) options.onUsageLimit?.(limit);
        // The limit is known (its task waits for the reset, or is left as it is): the turn's end follows it.
        if (heldIdle) emit(heldIdle);
      })
    : null;

  let agentSessionId: string | null = null;
  let transcriptPath: string | null = null;
  const subscription = options.hookServer?.subscribe(options.sessionId, (event) => {
    const reported = event.payload.session_id;
    if (typeof reported === 'string' && reported !== '' && reported !== agentSessionId) {
      agentSessionId = reported;
      if (!disposed) options.onAgentSessionId?.(reported);
    }
    const transcript = event.payload.transcript_path;
    if (typeof transcript === 'string' && transcript !== '' && transcript !== transcriptPath) {
      transcriptPath = transcript;
      if (!disposed) options.onTranscriptPath?.(transcript);
    }
    if (limits) readLimitHook(limits, event.payload);
    const change = engine.hook(event.payload, clock.now());
    if (change?.state === 'idle' && limits?.expecting) {
      heldIdle = change;
      return arm();
    }
    emit(change);
  });

  return {
    onOutput: (text) => {
      limits?.output(text);
      emit(engine.output(clock.now()));
    },
    onTitle: (title) => emit(engine.title(title, clock.now())),
    onInput: (text) => emit(engine.input(text, clock.now())),
    onScreen: (lines) => emit(engine.screen(lines, clock.now())),
    onExit: (code, signal) => emit(engine.exit(code, signal, clock.now())),
    get state() {
      return engine.state;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      limits?.dispose();
      void subscription?.dispose();
      arm();
    },
  };
}

/** Hook fields that carry an agent's words: a limit message may be among them. */
const WORDS_FIELDS = ['last_assistant_message', 'message', 'error', 'error_details'];

/**
 * What hooks say of limits: Claude Code fires StopFailure instead of Stop when a rate limit ends
 * the turn (its payload says so but not when it resets: the screen does); older versions put the
 * limit message in the Stop hook's last message.
 */
function readLimitHook(limits: UsageLimitScanner, payload: Record<string, unknown>): void {
  for (const field of WORDS_FIELDS) {
    const value = payload[field];
    if (typeof value === 'string') limits.hookText(value);
  }
  const error = payload.error;
  if (payload.hook_event_name === 'StopFailure' && typeof error === 'string' && /rate_limit/i.test(error)) {
    limits.expectLimit(`the agent's turn ended on a rate limit (${error})`);
  }
}
