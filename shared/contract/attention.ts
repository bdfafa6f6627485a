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
});
export type TrayModelDto = z.infer<typeof trayModelSchema>;

export const notificationSchema = z.object({
  title: z.string(),
  body: z.string(),
  taskId: idSchema,
  urgent: z.boolean(),
});

export const attentionProcedures = {
  'attention.get': { input: emptyInput, output: trayModelSchema },
  /** The window reports what the user is looking at, so that news about it is not also notified. */
  'attention.focus': {
    input: z.object({ taskId: idSchema.nullable(), windowFocused: z.boolean() }).strict(),
    output: z.object({}),
  },
} as const;

export const attentionEvents = {
  'attention.changed': trayModelSchema,
  'attention.notify': notificationSchema,
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
