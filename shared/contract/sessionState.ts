import { z } from 'zod';

/** starting → working ⇄ needs_input → idle → exited | failed */
export const SESSION_STATES = ['starting', 'working', 'needs_input', 'idle', 'exited', 'failed'] as const;
export const sessionStateSchema = z.enum(SESSION_STATES);
export type SessionState = z.infer<typeof sessionStateSchema>;

/** Why Switchyard believes a state: an agent hook, the terminal title, the screen, the exit, or the idle watchdog. */
export const STATE_SOURCES = ['hook', 'title', 'screen', 'exit', 'watchdog', 'host'] as const;
export const stateSourceSchema = z.enum(STATE_SOURCES);
export type StateSource = z.infer<typeof stateSourceSchema>;

export const stateChangeSchema = z.object({
  state: sessionStateSchema,
  source: stateSourceSchema,
  /** Epoch ms. */
  at: z.number().int().nonnegative(),
  /** A short human reason, e.g. the hook's message or the screen line that matched. */
  detail: z.string().optional(),
});
export type StateChange = z.infer<typeof stateChangeSchema>;

/**
 * Why a session's program was stopped on purpose: the user stopped it; it sat idle past the idle
 * setting (its task stays in review, and it can be resumed); its agent hit a usage limit (its task
 * waits for the reset and then resumes it).
 */
export const SESSION_STOP_REASONS = ['user', 'idle', 'usage_limit'] as const;
export const sessionStopReasonSchema = z.enum(SESSION_STOP_REASONS);
export type SessionStopReason = z.infer<typeof sessionStopReasonSchema>;
