/**
 * What the terminal shows, read as evidence of an agent's state: the title (OSC 0/2) and the
 * visible screen of the headless mirror. Hooks are better evidence; these are the fallback for
 * agents without hooks, and they are labelled as such in every state change they cause.
 */

/** A reading of the title or of the screen. `none`: nothing recognised. */
export type Verdict = 'question' | 'busy' | 'ready' | 'none';

export interface SignalPatterns {
  /** A question waiting for the user (a permission prompt, a y/n). */
  question: readonly RegExp[];
  /** The agent working (a spinner, an "esc to interrupt" hint). */
  busy: readonly RegExp[];
  /** The agent's prompt waiting for the next instruction. */
  ready: readonly RegExp[];
}

export interface StateSignals {
  title: SignalPatterns;
  screen: SignalPatterns;
  /**
   * What the agent's hooks tell, when it has any: `all` (the default: once a hook spoke, hooks
   * decide and title and screen only fill gaps), or only `turn-end` (Codex's notify: a finished
   * turn; title and screen keep deciding everything else, questions and new turns).
   */
  hooks?: 'all' | 'turn-end';
}

/**
 * How many non-blank lines at the bottom of the screen are read. Questions and spinners live at
 * the bottom, next to the cursor; older lines above are history that may hold answered questions.
 */
export const SCREEN_TAIL_LINES = 16;

/** Questions every agent CLI asks in one of these shapes. */
export const COMMON_QUESTIONS: readonly RegExp[] = [
  /\bDo you want to\b.*\?/i,
  /\bWould you like to\b.*\?/i,
  /\((?:y\/n|yes\/no)\)/i,
  /\[(?:y\/n|yes\/no)\]/i,
  /\(Y\)es\/\(N\)o/,
  /^\W*Allow\b.*\?\s*$/i,
  /❯\s*1\.\s*Yes\b/,
  /\bApply this change\?/i,
  /\bWaiting for (?:user )?(?:confirmation|approval)\b/i,
  /\bPress Enter to (?:continue|confirm|save|submit)\b/i,
  /\bEnter to confirm\b.*\bEsc to cancel\b/i,
];

/** Busy hints shared by most agent TUIs. */
export const COMMON_BUSY: readonly RegExp[] = [/\besc to (?:interrupt|cancel)\b/i, /\bctrl\+c to (?:interrupt|cancel)\b/i];

/** A braille spinner frame (⠋⠙⠹… and Claude Code's ⠂⠐) at the start of the title. */
const BRAILLE_SPINNER = /^[\u2801-\u28ff]\s/u;

/** Title patterns shared by the agents that animate their title. */
export const COMMON_TITLE: SignalPatterns = {
  question: [/^✋/u, /\baction required\b/i],
  busy: [BRAILLE_SPINNER, /^✦\s/u, /^⏳/u],
  ready: [/^✳\s/u, /^◇\s/u],
};

export function readTitle(signals: StateSignals, title: string): Verdict {
  return classify(signals.title, [title.trim()]);
}

/** The non-blank rows at the bottom of the screen that readings look at. */
export function screenTail(lines: readonly string[]): string[] {
  const tail: string[] = [];
  for (let i = lines.length - 1; i >= 0 && tail.length < SCREEN_TAIL_LINES; i--) {
    const line = lines[i]?.trimEnd() ?? '';
    if (line !== '') tail.unshift(line);
  }
  return tail;
}

export function readScreen(signals: StateSignals, lines: readonly string[]): Verdict {
  return classify(signals.screen, screenTail(lines));
}

/** A question on screen with no busy hint beside it: the agent is waiting, whatever else it said. */
export function questionWithoutBusy(signals: StateSignals, lines: readonly string[]): boolean {
  const tail = screenTail(lines);
  const any = (list: readonly RegExp[]) => tail.some((line) => list.some((p) => p.test(line)));
  return any(signals.screen.question) && !any(signals.screen.busy);
}

/** The line that best explains a reading, for the change's detail: the first pattern's match wins. */
export function matchedLine(patterns: readonly RegExp[], lines: readonly string[]): string | undefined {
  for (const pattern of patterns) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line.trim();
  }
  return undefined;
}

function classify(patterns: SignalPatterns, lines: readonly string[]): Verdict {
  const any = (list: readonly RegExp[]) => lines.some((line) => list.some((p) => p.test(line)));
  if (any(patterns.question)) return 'question';
  if (any(patterns.busy)) return 'busy';
  if (any(patterns.ready)) return 'ready';
  return 'none';
}
