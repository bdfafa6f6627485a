import type { Task, TaskReason } from '../../shared/contract';
import type { RunGoal, RunProgress, RunQuestion, RunSummary } from '../server/headlessRun';

/** What `switchyard run` exits with; 3 is the start-up's (a migration that failed). */
export const RUN_EXIT_CODES = {
  /** Every task reached the goal. */
  reached: 0,
  /** Some task failed or is blocked, or never started. */
  notReached: 1,
  /** Bad usage: an unknown option, a bad value. */
  usage: 2,
  /** The time given with --timeout ran out. */
  timedOut: 4,
  /** Stopped with Ctrl-C (128 + SIGINT), as shells report it. */
  interrupted: 130,
} as const;

/** The exit code lines of `switchyard run --help`. */
export const RUN_EXIT_HELP = `Exit codes:
  0    every task reached --until (review, or merged)
  1    some task failed, is blocked or was never started (also when a budget stopped the run)
  2    bad usage (an unknown option, a bad value)
  3    the database could not be migrated
  4    --timeout ran out
  130  stopped with Ctrl-C`;

type TaskRef = Pick<Task, 'id' | 'title' | 'planKey'>;

const clock = (at: number) => new Date(at).toTimeString().slice(0, 8);
const named = (task: TaskRef) => (task.planKey ? `${task.planKey} ${task.title}` : task.title);

/** How a task is named on the command line: its plan key when it has one, else its id. */
export const taskArgument = (task: TaskRef) => task.planKey ?? task.id;

/** A reason in a few words: `blocked: AGENT_NOT_FOUND Cannot start Codex: …`. */
export function reasonText(reason: TaskReason): string {
  if (reason.kind === 'retrying') {
    const wait = reason.retryAt === null ? '' : `; next attempt at ${clock(reason.retryAt)}`;
    return `attempt ${reason.attempts} failed: ${reason.code} ${reason.message.replace(/\.$/, '')}${wait}`;
  }
  return `${reason.kind}: ${reason.code} ${reason.message}`;
}

/** One line per change, readable in a terminal and in a CI log alike. */
export function progressLine(progress: RunProgress): string {
  const status = progress.reason?.kind === 'blocked' ? 'blocked' : progress.status.replace('_', ' ');
  const why = progress.reason ? ` (${reasonText(progress.reason)})` : '';
  return `[${clock(progress.at)}] ${named(progress.task)} → ${status}${why}`;
}

/**
 * A waiting agent's question and the command that answers it. `projectFlag` is added when the
 * answer has to name the project (the current folder is not in its repository).
 */
export function questionLines(question: RunQuestion, projectFlag: string | null): string[] {
  const project = projectFlag === null ? '' : ` --project ${projectFlag}`;
  return [
    `[${clock(question.at)}] ${named(question.task)} asks: ${question.question}`,
    ...(question.choices.length > 0 ? [`  choices: ${question.choices.map((c) => `${c.n}) ${c.label}`).join('  ')}`] : []),
    `  answer with: switchyard answer ${taskArgument(question.task)}${project} --allow | --deny | --choice N | --text TEXT`,
  ];
}

const ENDINGS: Record<RunSummary['end'], string> = {
  settled: 'the run is over',
  timeout: 'the run timed out',
  interrupted: 'the run was stopped',
};

/** The closing lines: what each task came to, then one line of counts. */
export function summaryLines(summary: RunSummary, until: RunGoal): string[] {
  const lines: string[] = [];
  for (const { task, reason } of summary.failed) lines.push(`${reason?.kind === 'blocked' ? 'blocked' : 'failed'}: ${named(task)}${reason ? ` — ${reason.code} ${reason.message}` : ''}`);
  for (const { task, by } of summary.blocked) lines.push(`blocked: ${named(task)} (needs ${by.map(named).join(', ')})`);
  for (const { task, question } of summary.waiting) lines.push(`needs input: ${named(task)} — ${question}`);
  if (summary.budgetStop) lines.push(`stopped by the budget: ${summary.budgetStop}`);
  const c = summary.counts;
  lines.push(
    `${ENDINGS[summary.end]}: ${summary.reached} of ${summary.total} reached ${until}; ${c.done} done, ${c.review} to review, ${c.failed} failed, ${summary.blocked.length} blocked, ${c.needs_input} need input, ${c.running} running, ${c.backlog + c.ready} not started`,
  );
  return lines;
}

/** The exit code a run's summary stands for. */
export function exitCodeOf(summary: RunSummary): number {
  if (summary.end === 'timeout') return RUN_EXIT_CODES.timedOut;
  if (summary.end === 'interrupted') return RUN_EXIT_CODES.interrupted;
  return summary.ok ? RUN_EXIT_CODES.reached : RUN_EXIT_CODES.notReached;
}
