/**
 * The task kinds as plain lists, without their schemas: the renderer's first screen (the board)
 * uses them and stays free of zod; tasks.ts builds the schemas from them and exports both.
 */

export const TASK_STATUSES = ['backlog', 'ready', 'running', 'needs_input', 'review', 'done', 'failed'] as const;

/** Highest first: the scheduler starts urgent work before low-priority work. */
export const TASK_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;

export const AGENT_KINDS = ['claude-code', 'codex', 'gemini', 'aider', 'cursor', 'opencode', 'copilot', 'qwen', 'amp', 'custom'] as const;

/** T-shirt sizes, smallest first, as plans write them. */
export const TASK_SIZES = ['XS', 'S', 'M', 'L', 'XL'] as const;
