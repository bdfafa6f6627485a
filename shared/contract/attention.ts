import { z } from 'zod';
import { emptyInput, idSchema } from './common';
import { sessionStateSchema, stateChangeSchema } from './sessionState';

export const trayStatusSchema = z.enum(['needs_input', 'failed', 'working', 'idle', 'none']);

export const trayModelSchema = z.object({
  status: trayStatusSchema,
  tooltip: z.string(),
  badge: z.number().int().nonnegative(),
  items: z.array(z.object({ label: z.string(), taskId: idSchema, state: sessionStateSchema })),
  more: z.number().int().nonnegative(),
  /** Live sessions per state, for the tray's counts line. */
  counts: z.object({
    needs_input: z.number().int().nonnegative(),
    working: z.number().int().nonnegative(),
    idle: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
  /** The tray's item that pauses or resumes the scheduler; null when no run is on or paused from the tray. */
  run: z.object({ label: z.string(), action: z.enum(['pause', 'resume']) }).nullable(),
});
export type TrayModelDto = z.infer<typeof trayModelSchema>;

export const attentionProcedures = {
  'attention.get': { input: emptyInput, output: trayModelSchema },
  /**
   * A client reports the task it shows (its pane or view) and whether the user can see it (the
   * desktop window has the focus; a browser tab is visible), so that news about it is not notified.
   */
  'attention.focus': {
    input: z.object({ taskId: idSchema.nullable(), windowFocused: z.boolean() }).strict(),
    output: z.object({}),
  },
} as const;

export const attentionEvents = {
  'attention.changed': trayModelSchema,
  /** The tray or a notification asked to show a task. */
  'attention.open': z.object({ taskId: idSchema }),
  /** The desktop menu asked for the settings panel. */
  'ui.openSettings': z.object({}),
} as const;

/** What the session host reports on the bus for every state change of a session. */
export const sessionStateEventSchema = z.object({
  sessionId: idSchema,
  taskId: idSchema,
  change: stateChangeSchema,
});
