import type { InboxAnswer, InboxChoice } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { PermissionAnswer } from '../agents/permissionHook';
import { matchedLine, screenTail, type StateSignals } from '../agents/stateSignals';
import { describeRequest } from './policyService';

/**
 * What a waiting agent asks, read from its permission hook's payload or from its screen, and how
 * an answer becomes what the agent takes: a hook decision, or keys. Pure.
 */

/** Lines of the bottom of the screen an inbox item shows. */
export const INBOX_SCREEN_LINES = 12;

/** The escape key: "no" in the agents' dialogs. */
const ESC = '\x1b';

/** Claude Code's permission dialog, as it numbers its answers (its hook payload carries no choices). */
export const CLAUDE_PERMISSION_CHOICES: readonly InboxChoice[] = [
  { n: 1, label: 'Yes' },
  { n: 2, label: "Yes, and don't ask again this session" },
  { n: 3, label: 'No, and tell Claude what to do differently' },
];

/** The shapes of a question, for how it is answered with keys. */
export type QuestionShape =
  /** A numbered menu ("❯ 1. Yes"): a choice is its number. */
  | { kind: 'menu'; choices: InboxChoice[] }
  /** A yes/no question ("(y/n)"): y or n. */
  | { kind: 'yes-no'; choices: InboxChoice[] }
  /** Anything else: Enter goes on, Esc backs out, words are typed and sent. */
  | { kind: 'open'; choices: InboxChoice[] };

/** A menu line: an optional frame and pointer, a number, a dot or parenthesis, the label. */
const MENU_LINE = /^[\s│┃|>❯›▶]*(\d{1,2})[.)]\s+(.+?)[\s│┃|]*$/u;
const YES_NO = [/\((?:y\/n|yes\/no)\)/i, /\[(?:y\/n|yes\/no)\]/i, /\(Y\)es\/\(N\)o/];

/** The bottom lines of a screen, as an inbox item shows them. */
export function screenLines(lines: readonly string[]): string[] {
  return screenTail(lines).slice(-INBOX_SCREEN_LINES);
}

/** The question's shape from the screen: the last numbered menu on it (1, 2, 3 … in a row), a y/n, or open. */
export function readQuestionShape(lines: readonly string[]): QuestionShape {
  const tail = screenTail(lines);
  let menu: InboxChoice[] = [];
  let current: InboxChoice[] = [];
  for (const line of tail) {
    const match = MENU_LINE.exec(line);
    const n = match ? Number(match[1]) : NaN;
    if (match && n === current.length + 1) current.push({ n, label: match[2]!.trim() });
    else if (match && n === 1) current = [{ n, label: match[2]!.trim() }];
    else if (current.length > 0) {
      if (current.length >= 2) menu = current;
      current = [];
    }
  }
  if (current.length >= 2) menu = current;
  if (menu.length >= 2) return { kind: 'menu', choices: menu };
  if (tail.some((line) => YES_NO.some((p) => p.test(line)))) {
    return { kind: 'yes-no', choices: [{ n: 1, label: 'Yes' }, { n: 2, label: 'No' }] };
  }
  return { kind: 'open', choices: [] };
}

/** The question on screen, by the agent's own patterns, without the dialog's frame; null when none shows. */
export function screenQuestion(signals: StateSignals, lines: readonly string[]): string | null {
  const line = matchedLine(signals.screen.question, screenTail(lines));
  return line === undefined ? null : frameless(line);
}

/** A line without the box drawing around it. */
export function frameless(line: string): string {
  return line.replace(/^[\s│┃|╭╰]+/u, '').replace(/[\s│┃|╮╯]+$/u, '').trim();
}

/** A permission request as a question: `Allow Bash "npm test"?`. */
export function permissionQuestion(tool: string, input: Record<string, unknown>): string {
  return `Allow ${describeRequest(tool, input)}?`;
}

function badChoice(n: number, choices: readonly InboxChoice[]): SwitchyardError {
  const offered = choices.length === 0 ? 'it offers no numbered choices' : `it offers ${choices.map((c) => c.n).join(', ')}`;
  return new SwitchyardError('BAD_INPUT', `choice ${n} is not one of the question's answers: ${offered}`, { choice: n });
}

/** What the user said no with, told to the model through the hook when no words were given. */
export const DENIED_BY_USER = 'The user said no from the Switchyard inbox.';

/**
 * The decision a Claude Code PermissionRequest hook replies with: yes, no, a choice of its dialog
 * (1 and 2 allow, 3 refuses), or words — its third answer, "No, and tell Claude what to do
 * differently", with the words told to the model.
 */
export function hookAnswer(answer: InboxAnswer): PermissionAnswer {
  switch (answer.kind) {
    case 'allow':
      return { behavior: 'allow' };
    case 'deny':
      return { behavior: 'deny', message: DENIED_BY_USER };
    case 'text':
      return { behavior: 'deny', message: answer.text };
    case 'choice':
      if (answer.n === 1 || answer.n === 2) return { behavior: 'allow' };
      if (answer.n === 3) return { behavior: 'deny', message: DENIED_BY_USER };
      throw badChoice(answer.n, CLAUDE_PERMISSION_CHOICES);
  }
}

/**
 * The keys that give the answer to a question of that shape, each string one write (words and
 * their Enter go apart: a burst that ends in Enter may be read as a paste).
 */
export function answerKeys(shape: QuestionShape, answer: InboxAnswer): string[] {
  const wordsRefused = () =>
    new SwitchyardError('BAD_INPUT', `the question offers ${shape.choices.map((c) => c.n).join(', ')}: answer with a choice, yes or no, not words`);
  switch (shape.kind) {
    case 'menu': {
      if (answer.kind === 'allow') return ['1'];
      if (answer.kind === 'deny') {
        const no = shape.choices.find((c) => /^no\b/i.test(c.label));
        return [no ? String(no.n) : ESC];
      }
      if (answer.kind === 'choice') {
        if (!shape.choices.some((c) => c.n === answer.n)) throw badChoice(answer.n, shape.choices);
        return [String(answer.n)];
      }
      throw wordsRefused();
    }
    case 'yes-no': {
      if (answer.kind === 'allow' || (answer.kind === 'choice' && answer.n === 1)) return ['y'];
      if (answer.kind === 'deny' || (answer.kind === 'choice' && answer.n === 2)) return ['n'];
      if (answer.kind === 'choice') throw badChoice(answer.n, shape.choices);
      throw wordsRefused();
    }
    case 'open': {
      if (answer.kind === 'allow') return ['\r'];
      if (answer.kind === 'deny') return [ESC];
      if (answer.kind === 'text') return [answer.text, '\r'];
      throw badChoice(answer.n, shape.choices);
    }
  }
}
