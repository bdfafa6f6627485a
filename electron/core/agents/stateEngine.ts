import type { SessionState, StateChange, StateSource } from '../../../shared/contract/sessionState';
import type { HookPayload } from './hookServer';
import { matchedLine, questionWithoutBusy, readScreen, readTitle, screenTail, type StateSignals, type Verdict } from './stateSignals';

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

/**
 * How long a reading of the title or screen must hold before it becomes the state (ms): longer than
 * the gap between the writes of one redraw, short enough to feel immediate.
 */
export const SIGNAL_SETTLE_MS = 300;

/** Keys that commit an answer: anything with Enter, or one key alone (`y`, `n`, a menu's digit, Escape). */
function answers(keys: string): boolean {
  if (keys.includes('\r') || keys.includes('\n')) return true;
  const [only, ...rest] = [...keys];
  return only !== undefined && rest.length === 0 && (only === '\u001b' || (only >= ' ' && only !== '\u007f'));
}

export interface StateEngineOptions {
  signals: StateSignals;
  /** Silence after which `working` becomes `idle` (source `watchdog`). */
  watchdogMs?: number;
}

/** The words a question was asked in, and where they were read. */
interface QuestionWords {
  from: 'screen' | 'title';
  words: string;
  /** For a question read from the screen: the lines of the screen's tail above its line, nearest last. */
  above: readonly string[];
}

/**
 * Whether output came between two readings of a question line: the lines just above it differ,
 * compared as far as both readings have lines there (the tail read is a window that can shift).
 * A question redrawn on a cleared screen has nothing above it, which is no sign of output.
 */
function linesAboveMoved(before: readonly string[], after: readonly string[]): boolean {
  const n = Math.min(before.length, after.length);
  if (n === 0) return after.length > before.length;
  for (let i = 1; i <= n; i++) if (before[before.length - i] !== after[after.length - i]) return true;
  return false;
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
  /** The screen shows nothing at all (cleared for a redraw, or left for the main screen on exit). */
  private screenBlank = true;
  /** A hook said "needs input": has the screen shown the question since? Then its vanishing means an answer. */
  private questionShownSinceHook = false;
  /** With hooks: the title went from busy to ready while a hook said working. */
  private titleStopped = false;
  /** Without hooks: a title that stopped spinning waits for the next screen. */
  private titlePending = false;
  /** A title or screen reading waiting to hold for SIGNAL_SETTLE_MS. */
  private pending: { state: SessionState; source: StateSource; since: number; detail: string | undefined } | null = null;
  /**
   * Without hooks: what the question in force said (its title and bottom-most question line) when
   * it became the state, and whether the agent showed it moved on since (a busy or ready reading).
   */
  private surfacedQuestion: QuestionWords | null = null;
  private lastScreen: readonly string[] = [];
  private movedOnSinceQuestion = false;
  /** The keys sent since the question in force was surfaced: their echo is not a new question. */
  private typedSinceQuestion = '';
  /** Keys that commit an answer were sent since the question in force was surfaced. */
  private answeredSinceQuestion = false;
  /**
   * Since that answer, the question left: a screen without it (not a blank one), or the title or
   * the state moved. Only then are the same words on screen again a question asked again.
   */
  private goneSinceAnswer = false;
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
      if (this.titleVerdict === 'busy') return this.propose('working', 'title', at, this.titleText);
      if (this.screenVerdict === 'busy') return this.propose('working', 'screen', at, this.screenDetail);
    }
    return null;
  }

  /**
   * Keys were sent to the agent. Keys that commit an answer (Enter, or one key such as `y`, `2` or
   * Escape) while a question is in force answer it: the question on screen next, if its words
   * differ, is a new one even when no title or screen showed the agent at work in between (an
   * agent with no title can answer and ask again in one burst). The same words again are a new
   * question only once the answered one left (see `goneSinceAnswer`) or output came above them.
   * Arrow keys that move through a menu answer nothing, and the answer's own echo after the
   * question's words is no new question.
   */
  input(text: string, _at: number): StateChange | null {
    if (this.finished || this.current?.state !== 'needs_input') return null;
    this.typedSinceQuestion += text;
    if (answers(text)) {
      this.movedOnSinceQuestion = true;
      this.answeredSinceQuestion = true;
    }
    return null;
  }

  hook(payload: HookPayload, at: number): StateChange | null {
    if (this.finished) return null;
    if (this.options.signals.hooks !== 'turn-end') this.hooksHeard = true;
    this.lastActivityAt = at;
    const next = stateFromHook(payload);
    if (next === null) return null;
    if (next.state === 'needs_input') this.questionShownSinceHook = false;
    this.titleStopped = false;
    return this.set(next.state, 'hook', at, next.detail, true);
  }

  /**
   * A new title. Only a change of reading counts (agents re-send the same title often). A title
   * that starts spinning or asks is weighed at once; one that stops spinning is weighed with the
   * next screen, because xterm reports the title mid-parse, before the rest of that output (often
   * the question that made it stop) is on screen.
   */
  title(title: string, at: number): StateChange | null {
    if (this.finished) return null;
    const before = this.titleVerdict;
    this.titleText = title;
    this.titleVerdict = readTitle(this.options.signals, title);
    if (this.titleVerdict === before) return null;
    // The title said work or rest while a question was in force: the agent moved on, even if it asks again before the screen shows it.
    if (this.current?.state === 'needs_input' && (this.titleVerdict === 'busy' || this.titleVerdict === 'ready')) this.movedOn();
    if (this.hooksHeard) {
      // Claude Code sends no hook when the user interrupts a turn; its title stops spinning.
      this.titleStopped = before === 'busy' && this.titleVerdict === 'ready' && this.current?.state === 'working';
      return null;
    }
    if (this.titleVerdict === 'busy' || this.titleVerdict === 'question') return this.decide(at);
    this.titlePending = true;
    return null;
  }

  /** The visible screen after a parse. The host calls this after every parsed batch of output. */
  screen(lines: readonly string[], at: number): StateChange | null {
    if (this.finished) return null;
    const signals = this.options.signals.screen;
    const before = this.screenVerdict;
    const tail = screenTail(lines);
    this.lastScreen = tail;
    this.screenBlank = tail.length === 0;
    this.screenVerdict = readScreen(this.options.signals, tail);
    const patterns = this.screenVerdict === 'question' ? signals.question : this.screenVerdict === 'busy' ? signals.busy : signals.ready;
    this.screenDetail = matchedLine(patterns, tail);
    if (!this.hooksHeard && this.answeredSinceQuestion && !this.screenBlank && !this.showsSurfacedQuestion()) this.goneSinceAnswer = true;
    if (this.hooksHeard) return this.titleStoppedTurn(at) ?? this.afterHookQuestion(before, at) ?? this.unannouncedQuestion(tail, at);
    if (this.screenVerdict === before && !this.titlePending) return this.nextQuestion(at);
    this.titlePending = false;
    return this.decide(at) ?? this.nextQuestion(at);
  }

  exit(code: number | null, signal: number | string | null, at: number): StateChange | null {
    if (this.finished) return null;
    if (code === 0 && (signal === null || signal === 0)) return this.set('exited', 'exit', at, 'exit code 0');
    const why = signal !== null && signal !== 0 ? `killed by signal ${signal}` : `exit code ${code}`;
    return this.set('failed', 'exit', at, why);
  }

  /** When `tick` should next be called (a reading to confirm, or the watchdog), or null. */
  due(): number | null {
    const settle = this.pending === null ? null : this.pending.since + SIGNAL_SETTLE_MS;
    const watchdog = this.current?.state === 'working' && this.lastActivityAt !== null ? this.lastActivityAt + this.watchdogMs : null;
    if (settle === null) return watchdog;
    return watchdog === null ? settle : Math.min(settle, watchdog);
  }

  /** Time passed: a reading that held for SIGNAL_SETTLE_MS is adopted; a silent working session is idled. */
  tick(at: number): StateChange | null {
    if (this.finished) return null;
    const pending = this.pending;
    if (pending !== null && at >= pending.since + SIGNAL_SETTLE_MS) {
      this.pending = null;
      return this.set(pending.state, pending.source, at, pending.detail);
    }
    if (this.current?.state === 'working' && this.lastActivityAt !== null && at >= this.lastActivityAt + this.watchdogMs) {
      return this.set('idle', 'watchdog', at, `no output for ${Math.round(this.watchdogMs / 1000)} s`);
    }
    return null;
  }

  /** With hooks: a title that stopped spinning ends the turn once the screen shows no question and no spinner. */
  private titleStoppedTurn(at: number): StateChange | null {
    if (!this.titleStopped || this.current?.state !== 'working') return null;
    if (this.screenVerdict === 'busy') return null;
    this.titleStopped = false;
    return this.screenVerdict === 'question' ? null : this.propose('idle', 'title', at, this.titleText);
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
    if (this.screenVerdict === 'ready') return this.propose('idle', 'screen', at, this.screenDetail ?? 'question answered');
    return this.propose('working', 'screen', at, 'question answered');
  }

  /**
   * With hooks: a question on screen that no hook announced. Claude Code's Notification hook for
   * permission prompts is known to come late or not at all in some versions; a question with no
   * spinner beside it, held for SIGNAL_SETTLE_MS, is taken as one.
   */
  private unannouncedQuestion(tail: readonly string[], at: number): StateChange | null {
    if (this.current?.state !== 'working' || this.current.source === 'screen') return null;
    if (this.screenVerdict !== 'question' || !questionWithoutBusy(this.options.signals, tail)) {
      if (this.pending?.state === 'needs_input') this.pending = null;
      return null;
    }
    return this.propose('needs_input', 'screen', at, this.screenDetail);
  }

  /**
   * Without hooks: the answer to a question and the agent's next question can come in one burst,
   * faster than a reading settles (the agent shows "working" for a moment, then asks again). The
   * state never left needs_input, yet it is a new question: once the agent showed it moved on and
   * a question with other words is on screen, the old one is taken as answered (working) and the
   * new one is weighed as any question is. The same words again (a redraw, the answer's echo) are
   * the same question, not surfaced twice, unless it was answered and then left the screen, or
   * output came above it, before it came back.
   */
  private nextQuestion(at: number): StateChange | null {
    if (this.hooksHeard || this.current?.state !== 'needs_input' || !this.movedOnSinceQuestion) return null;
    if (this.titleVerdict !== 'question' && this.screenVerdict !== 'question') return null;
    // Words read from elsewhere (a screen cleared for a redraw leaves only the title's) are no new question.
    const asked = this.questionIdentity();
    const surfaced = this.surfacedQuestion;
    if (asked === null || surfaced === null || asked.from !== surfaced.from) return null;
    if (this.sameQuestion(asked, surfaced) && !(this.answeredSinceQuestion && (this.goneSinceAnswer || linesAboveMoved(surfaced.above, asked.above)))) {
      return null;
    }
    const source = this.current.source;
    const answered = this.set('working', source, at, 'question answered');
    this.decide(at);
    return answered;
  }

  /** The words of the question showing: the bottom-most question line of the screen, else the title that asks. */
  private questionIdentity(): QuestionWords | null {
    const patterns = this.options.signals.screen.question;
    const index = this.screenVerdict === 'question' ? this.lastScreen.findLastIndex((l) => patterns.some((p) => p.test(l))) : -1;
    if (index >= 0) return { from: 'screen', words: this.lastScreen[index]!.trim(), above: this.lastScreen.slice(0, index) };
    return this.titleVerdict === 'question' ? { from: 'title', words: this.titleText, above: [] } : null;
  }

  /** The question read now is the one surfaced: the same words, or them followed by the echo of what was typed since. */
  private sameQuestion(asked: QuestionWords, surfaced: QuestionWords): boolean {
    if (asked.from !== surfaced.from) return false;
    if (asked.words === surfaced.words) return true;
    return asked.words.startsWith(surfaced.words) && this.typedSinceQuestion.includes(asked.words.slice(surfaced.words.length).trim());
  }

  /**
   * The question in force still shows where it was read: its line on screen (a blank screen
   * between two frames is no reading), or the title that asked it, unchanged.
   */
  private showsSurfacedQuestion(): boolean {
    const surfaced = this.surfacedQuestion;
    if (surfaced === null) return true;
    if (surfaced.from === 'title') return this.titleVerdict === 'question' && this.titleText === surfaced.words;
    const asked = this.questionIdentity();
    return asked !== null && this.sameQuestion(asked, surfaced);
  }

  /** The agent showed it moved on from the question in force (a title or a reading of work or rest); after an answer, the question is gone. */
  private movedOn(): void {
    this.movedOnSinceQuestion = true;
    if (this.answeredSinceQuestion) this.goneSinceAnswer = true;
  }

  /** Without hooks: a question anywhere wins, then the title, then the screen. */
  private decide(at: number): StateChange | null {
    if (this.hooksHeard) return null;
    if (this.titleVerdict === 'question') return this.propose('needs_input', 'title', at, this.titleText);
    if (this.screenVerdict === 'question') return this.propose('needs_input', 'screen', at, this.screenDetail);
    if (this.titleVerdict === 'busy') return this.propose('working', 'title', at, this.titleText);
    if (this.titleVerdict === 'ready') return this.propose('idle', 'title', at, this.titleText);
    if (this.screenVerdict === 'busy') return this.propose('working', 'screen', at, this.screenDetail);
    if (this.screenVerdict === 'ready') return this.propose('idle', 'screen', at, this.screenDetail);
    // A question that gave way to a blank screen was not answered: the agent cleared it to redraw, or is leaving.
    if (this.current?.state === 'needs_input' && !this.screenBlank) return this.propose('working', this.current.source, at, 'question answered');
    return null;
  }

  /**
   * A reading of the title or the screen becomes the state only once it has held for
   * SIGNAL_SETTLE_MS: agents redraw in several writes, and a half-drawn frame must not flicker
   * the state (a cleared screen between two frames of the same question is not an answer).
   */
  private propose(state: SessionState, source: StateSource, at: number, detail?: string): StateChange | null {
    if (this.current?.state === 'needs_input' && state !== 'needs_input') this.movedOn();
    if (this.current?.state === state) {
      this.pending = null;
      return null;
    }
    if (this.pending?.state === state) {
      this.pending = { ...this.pending, source, detail };
      return null;
    }
    this.pending = { state, source, since: at, detail };
    return null;
  }

  private set(state: SessionState, source: StateSource, at: number, detail?: string, sourceMatters = false): StateChange | null {
    // A repeated reading is no change; a hook confirming a state another source found takes it over.
    if (this.current?.state === state && (!sourceMatters || this.current.source === source)) return null;
    this.pending = null;
    if (state === 'needs_input') {
      this.surfacedQuestion = this.questionIdentity();
      this.movedOnSinceQuestion = false;
      this.typedSinceQuestion = '';
      this.answeredSinceQuestion = false;
      this.goneSinceAnswer = false;
    }
    // The watchdog measures silence from the moment work began, not from older output.
    if (state === 'working' && this.current?.state !== 'working') this.lastActivityAt = at;
    this.current = detail === undefined || detail === '' ? { state, source, at } : { state, source, at, detail: detail.slice(0, 200) };
    return this.current;
  }
}

/**
 * Hook events read as states: Claude Code's (Codex uses the same names), and Gemini CLI's
 * (BeforeAgent, BeforeTool, AfterTool, AfterAgent). Events that say nothing about the state give null.
 */
export function stateFromHook(payload: HookPayload): { state: SessionState; detail?: string } | null {
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  switch (payload.hook_event_name) {
    case 'SessionStart':
      return { state: 'idle', detail: `session ${text('source') ?? 'started'}` };
    case 'UserPromptSubmit':
    case 'BeforeAgent':
      return { state: 'working', detail: text('prompt')?.split('\n')[0] };
    case 'PreToolUse':
    case 'PostToolUse':
    case 'BeforeTool':
    case 'AfterTool':
      return { state: 'working', detail: text('tool_name') };
    case 'PermissionRequest':
      return { state: 'needs_input', detail: `permission to use ${text('tool_name') ?? 'a tool'}` };
    case 'Notification': {
      const kind = text('notification_type');
      const message = text('message') ?? '';
      // Gemini CLI says ToolPermission.
      if (kind === 'permission_prompt' || kind === 'elicitation_dialog' || kind === 'ToolPermission' || /\bpermission\b|\bapprov/i.test(message)) {
        return { state: 'needs_input', detail: message };
      }
      if (kind === 'idle_prompt' || /waiting for your input/i.test(message)) return { state: 'idle', detail: message };
      return null;
    }
    case 'Stop':
      return { state: 'idle', detail: text('last_assistant_message')?.split('\n')[0] ?? 'turn finished' };
    case 'AfterAgent':
      return { state: 'idle', detail: text('prompt_response')?.split('\n')[0] || 'turn finished' };
    // Fired instead of Stop when an API error (a rate limit, a failed sign-in) ended the turn: the agent waits at its prompt.
    case 'StopFailure':
      return { state: 'idle', detail: `turn ended on an error${text('error') ? ` (${text('error')})` : ''}` };
    default:
      return null;
  }
}
