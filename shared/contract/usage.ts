import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { agentKindSchema } from './tasks';

const count = z.number().int().nonnegative();

/** Tokens as the providers bill them: fresh input, output, input written to the cache, input read from it. */
export const tokenCountsSchema = z.object({ input: count, output: count, cacheWrite: count, cacheRead: count });
export type TokenCounts = z.infer<typeof tokenCountsSchema>;

/**
 * How usage is shown: `cost` in dollars from the price table; `tokens` for subscription users,
 * who pay a plan rather than tokens: no cost anywhere, tokens and limit windows instead.
 */
export const USAGE_COST_MODES = ['cost', 'tokens'] as const;
export const usageCostModeSchema = z.enum(USAGE_COST_MODES);

/** What a budget counts, and over what time. */
export const BUDGET_PERIODS = ['day', 'run'] as const;
export const budgetPeriodSchema = z.enum(BUDGET_PERIODS);
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;

/** A price the user sets: `model=input/output/cacheWrite/cacheRead`, dollars per million tokens. */
export const PRICE_OVERRIDE_PATTERN = /^[\w.:/@[\]-]+=\d+(?:\.\d+)?\/\d+(?:\.\d+)?\/\d+(?:\.\d+)?\/\d+(?:\.\d+)?$/;

/** One model's price, in US dollars per million tokens. */
export const modelPriceSchema = z.object({
  /** A model id, or the id without its date suffix: `claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929`. */
  model: z.string().min(1).max(200),
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheWrite: z.number().nonnegative(),
  cacheRead: z.number().nonnegative(),
  /** `default`: transcribed from the provider's page (see source); `user`: set in Settings. */
  origin: z.enum(['default', 'user']),
  /** The published page the default was read from, and when. */
  source: z.string().nullable(),
  checkedOn: z.string().nullable(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** The tokens of one model in a task, priced when the table knows it. */
export const modelUsageSchema = z.object({
  model: z.string(),
  tokens: tokenCountsSchema,
  /** null: the model is not in the price table (never counted as free). */
  costUsd: z.number().nonnegative().nullable(),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

/** What an agent's record says of its usage limit window (Codex's rate_limits), when it says so. */
export const limitWindowSchema = z.object({
  agentKind: agentKindSchema,
  /** e.g. "5h", "7d". */
  label: z.string(),
  usedPercent: z.number().nullable(),
  /** Tokens counted in the window by Switchyard (Claude Code's five-hour window). */
  tokens: count.nullable(),
  startsAt: timestampSchema.nullable(),
  resetsAt: timestampSchema.nullable(),
});
export type LimitWindow = z.infer<typeof limitWindowSchema>;

export const taskUsageSchema = z.object({
  taskId: idSchema,
  projectId: idSchema,
  /** The task's plan key, else its id. */
  key: z.string(),
  title: z.string(),
  agent: agentKindSchema,
  /** The model that wrote the most output, or null when none is known. */
  model: z.string().nullable(),
  /** false: the agent records nothing Switchyard can read (tokens null, not zero). */
  observable: z.boolean(),
  tokens: tokenCountsSchema.nullable(),
  /** null when not priced: a model unknown to the price table, usage not observable, or cost turned off. */
  costUsd: z.number().nonnegative().nullable(),
  models: z.array(modelUsageSchema),
  /** Agent time by state, from the state history of its sessions (ms). */
  workingMs: count,
  waitingMs: count,
  idleMs: count,
  /** Time its agent was stopped at a usage limit, until it was started again or until now (ms). */
  limitWaitMs: count,
  /** From when it first became ready to when it first reached review (ms); null until it has. */
  leadTimeMs: count.nullable(),
  /** The agent runs now: the figures grow. */
  live: z.boolean(),
});
export type TaskUsage = z.infer<typeof taskUsageSchema>;

/** Usage per hour (epoch ms of the hour's start), per project and agent, for the charts. */
export const usageBucketSchema = z.object({
  hour: timestampSchema,
  projectId: idSchema,
  agent: agentKindSchema,
  tokens: tokenCountsSchema,
  costUsd: z.number().nonnegative().nullable(),
});
export type UsageBucket = z.infer<typeof usageBucketSchema>;

export const budgetStatusSchema = z.object({
  projectId: idSchema,
  period: budgetPeriodSchema,
  tokenLimit: count.nullable(),
  costLimitUsd: z.number().nonnegative().nullable(),
  tokensUsed: count,
  costUsedUsd: z.number().nonnegative(),
  /** Some usage in the period has no price: the cost used is a lower bound. */
  unpriced: z.boolean(),
  /** Why the scheduler starts nothing more, when a limit is reached. */
  reached: z.string().nullable(),
});
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;

export const usageReportSchema = z.object({
  costMode: usageCostModeSchema,
  since: timestampSchema.nullable(),
  tasks: z.array(taskUsageSchema),
  totals: z.object({
    tokens: tokenCountsSchema,
    /** Sum of the tasks that have a cost; null when cost is turned off. */
    costUsd: z.number().nonnegative().nullable(),
    /** Tasks whose usage has no price (an unknown model), left out of costUsd. */
    unpricedTasks: count,
    /** Tasks whose agent records nothing readable. */
    unobservableTasks: count,
    workingMs: count,
    waitingMs: count,
    idleMs: count,
    limitWaitMs: count,
  }),
  buckets: z.array(usageBucketSchema),
  limitWindows: z.array(limitWindowSchema),
  budgets: z.array(budgetStatusSchema),
  prices: z.array(modelPriceSchema),
  unpricedModels: z.array(z.string()),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

export const usageProcedures = {
  /** Tokens, cost and time per task (of one project, or of every project), since a moment or ever. */
  'usage.report': {
    input: z.object({ projectId: idSchema.optional(), since: timestampSchema.optional() }).strict(),
    output: usageReportSchema,
  },
} as const;

export const usageEvents = {
  /** A task's usage grew (its agent's record was read further): its figures as they are now. */
  'usage.changed': taskUsageSchema,
  /** A project's budget was reached: its scheduler starts nothing more. */
  'usage.budgetReached': budgetStatusSchema,
} as const;
