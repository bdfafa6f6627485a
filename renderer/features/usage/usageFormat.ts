import type { TaskUsage, TokenCounts, UsageBucket, UsageReport } from '../../../shared/contract';

export const tokenSum = (t: TokenCounts) => t.input + t.output + t.cacheWrite + t.cacheRead;

/** 1234 → "1.2k", 2_500_000 → "2.5M". */
export function shortTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

export function dollars(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** What a card says of a task's usage: tokens and cost, or why there is none to say. */
export function usageChipText(usage: TaskUsage, costMode: UsageReport['costMode']): string | null {
  if (!usage.observable) return usage.live || usage.workingMs > 0 ? 'usage not observable' : null;
  if (!usage.tokens || tokenSum(usage.tokens) === 0) return null;
  const tokens = `${shortTokens(tokenSum(usage.tokens))} tok`;
  if (costMode === 'tokens') return tokens;
  return `${tokens} · ${usage.costUsd === null ? 'unpriced' : dollars(usage.costUsd)}`;
}

/** Local midnight of the day an hour belongs to. */
export function dayOf(hour: number): number {
  const day = new Date(hour);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Per day, the tokens (or dollars) of each group (a project, or an agent), for a stacked chart. */
export function perDay(buckets: readonly UsageBucket[], groupOf: (b: UsageBucket) => string, value: (b: UsageBucket) => number) {
  const days = [...new Set(buckets.map((b) => dayOf(b.hour)))].sort((a, b) => a - b);
  const groups = [...new Set(buckets.map(groupOf))].sort();
  const series = groups.map((group) => days.map((day) => buckets.filter((b) => groupOf(b) === group && dayOf(b.hour) === day).reduce((s, b) => s + value(b), 0)));
  return { days, groups, series };
}

const CSV_COLUMNS = ['key', 'title', 'agent', 'model', 'input', 'output', 'cacheWrite', 'cacheRead', 'costUsd', 'workingMs', 'waitingMs', 'idleMs', 'limitWaitMs', 'leadTimeMs', 'observable'] as const;

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One line per task, with a header: what a spreadsheet needs. */
export function usageCsv(report: UsageReport): string {
  const rows = report.tasks.map((t) =>
    [t.key, t.title, t.agent, t.model, t.tokens?.input, t.tokens?.output, t.tokens?.cacheWrite, t.tokens?.cacheRead, t.costUsd, t.workingMs, t.waitingMs, t.idleMs, t.limitWaitMs, t.leadTimeMs, t.observable]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
