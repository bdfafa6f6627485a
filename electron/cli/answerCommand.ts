import type { InboxAnswer, InboxDelivery, InboxItem } from '../../shared/contract';
import { INBOX_TEXT_MAX_CHARS } from '../../shared/contract';
import type { CoreAccess } from './coreAccess';
import { resolveTask, taskLabel } from './taskRef';

export interface AnswerFlags {
  project?: string;
  allow?: boolean;
  deny?: boolean;
  choice?: number;
  text?: string;
  json?: boolean;
}

/** The exit code lines of `switchyard answer --help`. */
export const ANSWER_EXIT_HELP = `Exit codes:
  0  the answer was sent
  1  any other failure
  2  bad usage (no answer, or more than one)
  4  no task with that key or id
  5  Switchyard could not be reached
  6  the key names several tasks (pass --project, or the id)
  8  the task has no running agent
  9  its agent is not waiting for an answer`;

/** The one answer the flags give, or what is wrong with them. */
export function answerOf(flags: AnswerFlags): InboxAnswer | string {
  const given: InboxAnswer[] = [];
  if (flags.allow) given.push({ kind: 'allow' });
  if (flags.deny) given.push({ kind: 'deny' });
  if (flags.choice !== undefined) given.push({ kind: 'choice', n: flags.choice });
  if (flags.text !== undefined) given.push({ kind: 'text', text: flags.text });
  if (given.length === 0) return 'give the answer: --allow, --deny, --choice N or --text TEXT';
  if (given.length > 1) return 'give one answer only: --allow, --deny, --choice N or --text TEXT';
  const [answer] = given as [InboxAnswer];
  if (answer.kind === 'text' && answer.text.length === 0) return '--text needs some words';
  if (answer.kind === 'text' && answer.text.length > INBOX_TEXT_MAX_CHARS) return `--text takes at most ${INBOX_TEXT_MAX_CHARS} characters`;
  return answer;
}

/** A choice number: 1–99. */
export function parseChoice(value: string): number | string {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 99 ? n : '--choice is the number of one of the answers (1–99)';
}

const ANSWER_WORDS: Record<InboxAnswer['kind'], (answer: InboxAnswer) => string> = {
  allow: () => 'yes',
  deny: () => 'no',
  choice: (a) => `choice ${(a as Extract<InboxAnswer, { kind: 'choice' }>).n}`,
  text: (a) => `"${(a as Extract<InboxAnswer, { kind: 'text' }>).text}"`,
};

const DELIVERY_WORDS: Record<InboxDelivery, string> = {
  hook: 'through its permission hook',
  keys: 'typed into its terminal',
};

/** Answers the question a task's agent waits on, in the core that runs it. */
export async function answerTask(access: CoreAccess, ref: string, answer: InboxAnswer, flags: AnswerFlags): Promise<void> {
  const task = await resolveTask(access, ref, flags.project);
  const result = await access.call<{ delivery: InboxDelivery; item: InboxItem }>('inbox.answer', { taskId: task.id, answer });
  if (flags.json) {
    console.log(
      JSON.stringify({ taskId: task.id, sessionId: result.item.sessionId, question: result.item.question, answer, delivery: result.delivery }, null, 2),
    );
    return;
  }
  console.log(`${taskLabel(task)}: ${result.item.question} → ${ANSWER_WORDS[answer.kind](answer)} (${DELIVERY_WORDS[result.delivery]})`);
}
