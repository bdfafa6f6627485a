import type { SessionState, StateChange, StateSource } from '../../../shared/contract/sessionState';
import type { HookPayload } from './hookServer';
import { matchedLine, readScreen, readTitle, screenTail, type StateSignals, type Verdict } from './stateSignals';

/**
 * Decides a session's state from what the agent reports, in order of trust:
 *   1. hooks (the agent says what it does),
 *   2. the terminal title (OSC 0/2),
 *   3. the visible screen (questions, spinners, prompts) — a labelled fallback,
 * plus the process exit and an idle watchdog for agents that stop without a word.
 * Pure: inputs in, changes out; time comes from the caller.
 */

/** A session that shows `working` and has printed nothing for this long is taken as idle (ms). */
export const IDLE_WATCHDOG_MS = 30_000;

export interface StateEngineOptions {
  signals: StateSignals;
  /** Silence after which `working` becomes `idle` (source `watchdog`). */
  watchdogMs?: number;
}

const TERMINAL: ReadonlySet<SessionState> = new Set(['exited', 'failed']);

export class StateEngine {
  private current: StateChange | null = null;
  private lastActivityAt: number | null = null;
  /** Once a hook has spoken, title and screen no longer decide (they only fill the gaps below). */
  private hooksHeard = false;
  private titleVerdict: Verdict = 'none';
  private titleText = '';
  private screenVerdict: Verdict = 'none';
  private screenDetail: string | undefined;
  /** A hook said "needs input": has the screen shown the question since? Then its vanishing means an answer. */
  private questionShownSinceHook = false;
  private readonly watchdogMs: number;

  constructor(private readonly options: StateEngineOptions) {
    this.watchdogMs = options.watchdogMs ?? IDLE_WATCHDOG_MS;
  }

  /** The latest change, or null while still `starting`. */
  get state(): StateChange | null {
    return this.current;
  }

  private get finished(): boolean {
    return this.current !== null && TERMINAL.has(this.current.state);
  }

  /** Output arrived: the agent is alive. A session the watchdog idled returns to what the terminal shows. */
  output(at: number): StateChange | null {
    if (this.finished) return null;
    this.lastActivityAt = at;
    if (this.current?.source === 'watchdog') {
      if (this.titleVerdict === 'busy') return this.set('working', 'title', at, this.titleText);
      if (this.screenVerdict === 'busy') return this.set('working', 'screen', at, this.screenDetail);
    }
    return null;
  }

  hook(payload: HookPayload, at: number): StateChange | null {
    if (this.finished) return null;
    this.hooksHeard = true;
    this.lastActivityAt = at;
    const next = stateFromHook(payload);
    if (next === null) return null;
    if (next.state === 'needs_input') this.questionShownSinceHook = false;
    return this.set(next.state, 'hook', at, next.detail, true);
  }

  title(title: string, at: number): StateChange | null {
    if (this.finished) return null;
    this.titleText = title;
    this.titleVerdict = readTitle(this.options.signals, title);
    return this.decide(at);
  }

  screen(lines: readonly string[], at: number): StateChange | null {
    if (this.finished) return null;
    const signals = this.options.signals.screen;
    const before = this.screenVerdict;
    this.screenVerdict = readScreen(this.options.signals, lines);
    const patterns = this.screenVerdict === 'question' ? signals.question : this.screenVerdict === 'busy' ? signals.busy : signals.ready;
    this.screenDetail = matchedLine(patterns, screenTail(lines));
    if (this.hooksHeard) return this.afterHookQuestion(before, at);
    return this.decide(at);
  }

  exit(code: number | null, signal: number | string | null, at: number): StateChange | null {
    if (this.finished) return null;
    if (code === 0 && (signal === null || signal === 0)) return this.set('exited', 'exit', at, 'exit code 0');
    const why = signal !== null && signal !== 0 ? `killed by signal ${signal}` : `exit code ${code}`;
    return this.set('failed', 'exit', at, why);
  }

  /** When the watchdog should next look, or null when nothing is pending. */
  watchdogDue(): number | null {
    if (this.current?.state !== 'working' || this.lastActivityAt === null) return null;
    return this.lastActivityAt + this.watchdogMs;
  }

  watchdog(at: number): StateChange | null {
    const due = this.watchdogDue();
    if (due === null || at < due || this.finished) return null;
    return this.set('idle', 'watchdog', at, `no output for ${Math.round(this.watchdogMs / 1000)} s`);
  }

  /**
   * With hooks, the screen only closes one gap: Claude Code reports a permission question but not
   * its answer when the answer is "no". A question that was on screen and is gone was answered.
   */
  private afterHookQuestion(before: Verdict, at: number): StateChange | null {
    if (this.current?.state !== 'needs_input' || this.current.source !== 'hook') return null;
    if (this.screenVerdict === 'question') {
      this.questionShownSinceHook = true;
      return null;
    }
    if (!this.questionShownSinceHook || before !== 'question') return null;
    if (this.screenVerdict === 'ready') return this.set('idle', 'screen', at, this.screenDetail ?? 'question answered');
    return this.set('working', 'screen', at, 'question answered');
  }

  /** Without hooks: a question anywhere wins, then the title, then the screen. */
  private decide(at: number): StateChange | null {
    if (this.hooksHeard) return null;
    if (this.titleVerdict === 'question') return this.set('needs_input', 'title', at, this.titleText);
    if (this.screenVerdict === 'question') return this.set('needs_input', 'screen', at, this.screenDetail);
    if (this.titleVerdict === 'busy') return this.set('working', 'title', at, this.titleText);
    if (this.titleVerdict === 'ready') return this.set('idle', 'title', at, this.titleText);
    if (this.screenVerdict === 'busy') return this.set('working', 'screen', at, this.screenDetail);
    if (this.screenVerdict === 'ready') return this.set('idle', 'screen', at, this.screenDetail);
    if (this.current?.state === 'needs_input') return this.set('working', this.current.source, at, 'question answered');
    return null;
  }

  private set(state: SessionState, source: StateSource, at: number, detail?: string, sourceMatters = false): StateChange | null {
    // A repeated reading is no change; a hook confirming a state another source found takes it over.
    if (this.current?.state === state && (!sourceMatters || this.current.source === source)) return null;
    // The watchdog measures silence from the moment work began, not from older output.
    if (state === 'working' && this.current?.state !== 'working') this.lastActivityAt = at;
    this.current = detail === undefined || detail === '' ? { state, source, at } : { state, source, at, detail: detail.slice(0, 200) };
    return this.current;
  }
}

/** Claude Code's hook events, read as states. Events that say nothing about the state give null. */
export function stateFromHook(payload: HookPayload): { state: SessionState; detail?: string } | null {
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  switch (payload.hook_event_name) {
    case 'SessionStart':
      return { state: 'idle', detail: `session ${text('source') ?? 'started'}` };
    case 'UserPromptSubmit':
      return { state: 'working', detail: text('prompt')?.split('\n')[0] };
    case 'PreToolUse':
    case 'PostToolUse':
      return { state: 'working', detail: text('tool_name') };
    case 'Notification': {
      const kind = text('notification_type');
      const message = text('message') ?? '';
      if (kind === 'permission_prompt' || kind === 'elicitation_dialog' || /\bpermission\b|\bapprov/i.test(message)) {
        return { state: 'needs_input', detail: message };
      }
      if (kind === 'idle_prompt' || /waiting for your input/i.test(message)) return { state: 'idle', detail: message };
      return null;
    }
    case 'Stop':
      return { state: 'idle', detail: text('last_assistant_message')?.split('\n')[0] ?? 'turn finished' };
    default:
      return null;
  }
}
