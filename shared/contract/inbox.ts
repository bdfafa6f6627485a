import { z } from 'zod';
import { emptyInput, idSchema, timestampSchema } from './common';
import { stateSourceSchema } from './sessionState';
import { agentKindSchema } from './tasks';

/** Longest answer typed as text (characters). */
export const INBOX_TEXT_MAX_CHARS = 4_000;

/** One of the answers a question offers, numbered as the agent numbers it. */
export const inboxChoiceSchema = z.object({ n: z.number().int().positive(), label: z.string() });
export type InboxChoice = z.infer<typeof inboxChoiceSchema>;

/**
 * How an answer reaches the agent now: through the permission hook it is waiting on (Claude
 * Code's PermissionRequest, held for the user), or as keys typed into its terminal.
 */
export const INBOX_DELIVERIES = ['hook', 'keys'] as const;
export const inboxDeliverySchema = z.enum(INBOX_DELIVERIES);
export type InboxDelivery = z.infer<typeof inboxDeliverySchema>;

/** An agent waiting for the user: what it asks, what it offers, and the bottom of its screen. */
export const inboxItemSchema = z.object({
  sessionId: idSchema,
  taskId: idSchema,
  taskTitle: z.string(),
  /** The task's key in its plan, the name `switchyard answer` takes. */
  taskKey: z.string().nullable(),
  projectId: idSchema,
  projectName: z.string(),
  agentKind: agentKindSchema,
  /** When it began to wait (epoch ms): the inbox lists the oldest first. */
  since: timestampSchema,
  question: z.string(),
  /** The tool it asks to use, when the question is a permission request. */
  tool: z.string().nullable(),
  /** Where the question was read: a hook's payload, the title or the screen. */
  source: stateSourceSchema,
  choices: z.array(inboxChoiceSchema),
  delivery: inboxDeliverySchema,
  /** The last non-blank lines of its screen. */
  screen: z.array(z.string()),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

/** An answer: yes, no, one of the numbered choices, or words (a reason given with a no, or a reply). */
export const inboxAnswerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('allow') }).strict(),
  z.object({ kind: z.literal('deny') }).strict(),
  z.object({ kind: z.literal('choice'), n: z.number().int().positive().max(99) }).strict(),
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(INBOX_TEXT_MAX_CHARS) }).strict(),
]);
export type InboxAnswer = z.infer<typeof inboxAnswerSchema>;

export const inboxListSchema = z.object({ items: z.array(inboxItemSchema) });
export type InboxList = z.infer<typeof inboxListSchema>;

export const inboxProcedures = {
  /** Every agent waiting for the user, the oldest first. */
  'inbox.list': { input: emptyInput, output: inboxListSchema },
  /**
   * Answers the question a task's agent (or a session) waits on. NOT_WAITING when it waits for
   * nothing, SESSION_NOT_RUNNING when it has no running agent, BAD_INPUT for a choice it does not offer.
   */
  'inbox.answer': {
    input: z
      .object({ taskId: idSchema.optional(), sessionId: idSchema.optional(), answer: inboxAnswerSchema })
      .strict()
      .refine((v) => (v.taskId === undefined) !== (v.sessionId === undefined), 'give a taskId or a sessionId, not both'),
    output: z.object({ delivery: inboxDeliverySchema, item: inboxItemSchema }),
  },
} as const;

export const inboxEvents = {
  /** The waiting set changed (a question came, was answered, or its screen moved): the whole list. */
  'inbox.changed': inboxListSchema,
} as const;
