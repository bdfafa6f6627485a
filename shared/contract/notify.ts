import { z } from 'zod';
import { idSchema, timestampSchema } from './common';

/** What may call the user back: each can be turned off in Settings → Notifications. */
export const NOTIFY_EVENT_KINDS = ['needs_input', 'turn_finished', 'failed', 'merge_conflict', 'limit_reset', 'budget_reached'] as const;
export const notifyEventKindSchema = z.enum(NOTIFY_EVENT_KINDS);
export type NotifyEventKind = z.infer<typeof notifyEventKindSchema>;

/** Do not disturb: off, on until a moment (epoch ms), or on until turned off. */
export const doNotDisturbSchema = z.union([z.literal('off'), z.literal('always'), z.object({ until: timestampSchema }).strict()]);
export type DoNotDisturb = z.infer<typeof doNotDisturbSchema>;

/** One notification the core decided the user should see, shown by the desktop shell or a browser tab. */
export const notificationSchema = z.object({
  title: z.string(),
  body: z.string(),
  /** The task a click opens; null for a summary of several. */
  taskId: idSchema.nullable(),
  /** Play the system's notification sound (the sound setting). */
  sound: z.boolean(),
  /** Needs the human (a question, a failure) rather than tells news. */
  urgent: z.boolean(),
});
export type NotificationDto = z.infer<typeof notificationSchema>;

export const notifyEvents = {
  'notify.show': notificationSchema,
} as const;
