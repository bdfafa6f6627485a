import type {
  AgentKind,
  LimitWindow,
  ModelPrice,
  ModelUsage,
  Session,
  StateChange,
  Task,
  TaskUsage,
  TokenCounts,
  UsageBucket,
} from '../../../shared/contract';
import { codexRolloutParser, type CodexCarry, type CodexWindow } from './codexRollout';
import { costOf, priceOf } from './prices';
import { leadTime, taskTimes } from './taskTimes';
import { addTokens, NO_TOKENS, totalTokens } from './usageEntry';
import type { BucketRow, UsageSource } from './usageStore';

/** The agents whose own record Switchyard reads; the others' usage is not observable. */
export const OBSERVABLE_AGENTS: ReadonlySet<AgentKind> = new Set(['claude-code', 'codex']);

/** Claude Code's usage limit runs in windows of five hours from the first message after a pause (as ccusage counts them). */
export const CLAUDE_WINDOW_MS = 5 * 3_600_000;

/** The tokens of a set of bucket rows per model, priced (cost null for a model without a price, or with cost off). */
export function byModel(rows: readonly BucketRow[], prices: readonly ModelPrice[], priced: boolean): ModelUsage[] {
  const models = new Map<string, TokenCounts>();
  for (const row of rows) models.set(row.model, addTokens(models.get(row.model) ?? NO_TOKENS, row.tokens));
  return [...models].map(([model, tokens]) => {
    const price = priced ? priceOf(prices, model) : null;
    return { model, tokens, costUsd: price ? costOf(price, tokens) : null };
  });
}

/** Sum of the models' costs; null when any model that used tokens has none. */
export function totalCost(models: readonly ModelUsage[]): number | null {
  let sum = 0;
  for (const m of models) {
    if (totalTokens(m.tokens) === 0) continue;
    if (m.costUsd === null) return null;
    sum += m.costUsd;
  }
  return sum;
}

export interface TaskFacts {
  task: Task;
  sessions: readonly Session[];
  sources: readonly (UsageSource | null)[];
  rows: readonly BucketRow[];
  statuses: readonly { status: string; at: number }[];
}

export function taskUsage(facts: TaskFacts, history: (sessionId: string) => readonly StateChange[], prices: readonly ModelPrice[], priced: boolean, now: number): TaskUsage {
  const { task, sessions, rows } = facts;
  const observable = OBSERVABLE_AGENTS.has(task.agentKind) && (sessions.length === 0 || facts.sources.some((s) => s !== null) || rows.length > 0);
  const models = byModel(rows, prices, priced);
  const tokens = models.reduce((sum, m) => addTokens(sum, m.tokens), NO_TOKENS);
  const main = [...models].sort((a, b) => b.tokens.output - a.tokens.output)[0];
  return {
    taskId: task.id,
    projectId: task.projectId,
    key: task.planKey ?? task.id,
    title: task.title,
    agent: task.agentKind,
    model: main?.model ?? null,
    observable,
    tokens: observable ? tokens : null,
    costUsd: observable && priced ? totalCost(models) : null,
    models,
    ...taskTimes(sessions, history, now),
    leadTimeMs: leadTime(facts.statuses),
    live: sessions.some((s) => s.endedAt === null),
  };
}

/** Hourly buckets per project and agent, for the charts. */
export function hourlyBuckets(rows: readonly (BucketRow & { projectId: string; agent: AgentKind })[], prices: readonly ModelPrice[], priced: boolean): UsageBucket[] {
  const groups = new Map<string, { hour: number; projectId: string; agent: AgentKind; rows: BucketRow[] }>();
  for (const row of rows) {
    const key = `${row.hour}|${row.projectId}|${row.agent}`;
    const group = groups.get(key) ?? { hour: row.hour, projectId: row.projectId, agent: row.agent, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const models = byModel(g.rows, prices, priced);
    return { hour: g.hour, projectId: g.projectId, agent: g.agent, tokens: models.reduce((s, m) => addTokens(s, m.tokens), NO_TOKENS), costUsd: priced ? totalCost(models) : null };
  });
}

/**
 * The current limit windows: Claude Code's five-hour window (the tokens counted in it; Claude Code
 * records no percentage), made from the hours of its usage, and Codex's windows as its latest
 * rollout reports them.
 */
export function limitWindows(claudeHours: readonly { hour: number; tokens: TokenCounts }[], codex: CodexCarry['limits'] | null, now: number): LimitWindow[] {
  const windows: LimitWindow[] = [];
  let start: number | null = null;
  let tokens = 0;
  for (const { hour, tokens: t } of [...claudeHours].sort((a, b) => a.hour - b.hour)) {
    if (start === null || hour >= start + CLAUDE_WINDOW_MS) {
      start = hour;
      tokens = 0;
    }
    tokens += totalTokens(t);
  }
  if (start !== null && now < start + CLAUDE_WINDOW_MS) {
    windows.push({ agentKind: 'claude-code', label: '5h', usedPercent: null, tokens, startsAt: start, resetsAt: start + CLAUDE_WINDOW_MS });
  }
  const codexWindow = (w: CodexWindow | null) => {
    if (!w || (w.resetsAt !== null && w.resetsAt < now)) return;
    const minutes = w.windowMinutes;
    const label = minutes === null ? 'window' : minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
    const startsAt = w.resetsAt !== null && minutes !== null ? w.resetsAt - minutes * 60_000 : null;
    windows.push({ agentKind: 'codex', label, usedPercent: w.usedPercent, tokens: null, startsAt, resetsAt: w.resetsAt });
  };
  codexWindow(codex?.primary ?? null);
  codexWindow(codex?.secondary ?? null);
  return windows;
}

/** The rate limits a Codex source's carry holds. */
export const codexLimitsOf = (carry: unknown) => codexRolloutParser(carry).state().limits;
