import type { Project, TaskUsage, UsageReport } from '../../shared/contract';
import type { CoreAccess } from './coreAccess';
import { findProject, projectFor, SHORT_ID_LENGTH } from './taskRef';

export interface UsageFlags {
  project?: string;
  since?: number;
  json?: boolean;
}

/** A `--since` value: a date (local midnight) or a date and time; a message for anything else. */
export function parseSince(value: string): number | string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (day) {
    const at = new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime();
    return Number.isNaN(at) ? `${value} is not a date` : at;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? `--since takes a date (2026-12-01) or a date and time (2026-12-01T09:00), not ${value}` : at;
}

/** The key a task is named by on the command line: its plan's, else the start of its id (as `switchyard tasks` shows it). */
const shown = (t: TaskUsage) => (t.key === t.taskId ? t.taskId.slice(0, SHORT_ID_LENGTH) : t.key);

/** The JSON `switchyard usage --json` prints: each task's tokens, cost and time, and the totals. */
export function usageJson(report: UsageReport) {
  return {
    costMode: report.costMode,
    since: report.since,
    tasks: report.tasks.map((t) => ({
      key: shown(t),
      taskId: t.taskId,
      title: t.title,
      agent: t.agent,
      model: t.model,
      tokens: t.tokens,
      costUsd: t.costUsd,
      workingMs: t.workingMs,
      waitingMs: t.waitingMs,
      idleMs: t.idleMs,
      limitWaitMs: t.limitWaitMs,
      leadTimeMs: t.leadTimeMs,
      observable: t.observable,
      models: t.models,
    })),
    totals: report.totals,
    limitWindows: report.limitWindows,
    budgets: report.budgets,
    unpricedModels: report.unpricedModels,
  };
}

const thousands = (n: number) => n.toLocaleString('en-US');
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)}m`;

function costText(task: TaskUsage, report: UsageReport): string {
  if (report.costMode === 'tokens') return '';
  if (!task.observable) return 'not observable';
  return task.costUsd === null ? 'unpriced' : `$${task.costUsd.toFixed(4)}`;
}

export function usageLines(report: UsageReport): string[] {
  if (report.tasks.length === 0) return ['no tasks'];
  const lines = report.tasks.map((t) => {
    const tokens = t.tokens === null ? 'not observable' : `in ${thousands(t.tokens.input)} out ${thousands(t.tokens.output)} cache w ${thousands(t.tokens.cacheWrite)} r ${thousands(t.tokens.cacheRead)}`;
    return `${shown(t).padEnd(12)} ${t.agent.padEnd(11)} ${tokens.padEnd(52)} ${costText(t, report).padEnd(14)} working ${minutes(t.workingMs)} waiting ${minutes(t.waitingMs)} idle ${minutes(t.idleMs)}  ${t.title}`;
  });
  const total = report.totals;
  const cost = total.costUsd === null ? '' : ` · $${total.costUsd.toFixed(4)}${total.unpricedTasks > 0 ? ` (+ ${total.unpricedTasks} unpriced)` : ''}`;
  lines.push(`total: in ${thousands(total.tokens.input)} out ${thousands(total.tokens.output)} cache w ${thousands(total.tokens.cacheWrite)} r ${thousands(total.tokens.cacheRead)}${cost}; working ${minutes(total.workingMs)}`);
  for (const model of report.unpricedModels) lines.push(`unpriced model: ${model} (set its price in Settings → Usage, usage.prices)`);
  return lines;
}

/** `switchyard usage`: tokens, cost and time per task of a project (--project, else the current folder's, else every project). */
export async function usageCommand(access: CoreAccess, flags: UsageFlags): Promise<void> {
  const here: Project | null = flags.project === undefined ? await findProject(access).catch(() => null) : await projectFor(access, flags.project);
  const report = await access.call<UsageReport>('usage.report', {
    ...(here ? { projectId: here.id } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
  });
  if (flags.json) console.log(JSON.stringify(usageJson(report), null, 2));
  else for (const line of usageLines(report)) console.log(line);
}
