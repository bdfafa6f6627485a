import { z } from 'zod';
import { MAX_TERMINAL_COLS, MAX_TERMINAL_INPUT_CHARS, MAX_TERMINAL_ROWS } from '../constants';
import { idSchema, timestampSchema } from './common';
import { sessionStateSchema, sessionStopReasonSchema, stateChangeSchema, stateSourceSchema } from './sessionState';
import { agentKindSchema } from './tasks';

export const sessionSchema = z.object({
  id: idSchema,
  taskId: idSchema,
  agentKind: agentKindSchema,
  agentSessionId: z.string().nullable(),
  state: sessionStateSchema,
  stateSource: stateSourceSchema,
  stateAt: timestampSchema,
  pid: z.number().int().nullable(),
  cwd: z.string(),
  exitCode: z.number().int().nullable(),
  startedAt: timestampSchema,
  /** Null while its program runs: a live session. */
  endedAt: timestampSchema.nullable(),
  /** Why it was stopped on purpose, when it was; null while it runs and after any other end. */
  stopReason: sessionStopReasonSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

const colsSchema = z.number().int().min(2).max(MAX_TERMINAL_COLS);
const rowsSchema = z.number().int().min(1).max(MAX_TERMINAL_ROWS);
const sessionRef = z.object({ sessionId: idSchema }).strict();
const ok = z.object({ ok: z.literal(true) });

export const transcriptMatchSchema = z.object({
  /** 1-based line number in the plain-text transcript. */
  line: z.number().int().positive(),
  text: z.string(),
  before: z.array(z.string()),
  after: z.array(z.string()),
});
export type TranscriptMatch = z.infer<typeof transcriptMatchSchema>;

export const sessionProcedures = {
  'sessions.start': {
    input: z.object({ taskId: idSchema, cols: colsSchema.optional(), rows: rowsSchema.optional() }).strict(),
    output: sessionSchema,
  },
  'sessions.stop': { input: sessionRef, output: sessionSchema },
  'sessions.interrupt': { input: sessionRef, output: ok },
  /** Runs the task's agent again, fresh, in the same session (same panes, seq continues). */
  'sessions.restart': { input: sessionRef, output: sessionSchema },
  /** Runs the agent again, continuing its own conversation (e.g. Claude Code's --resume). */
  'sessions.resume': { input: sessionRef, output: sessionSchema },
  'sessions.list': {
    input: z.union([z.object({ taskId: idSchema }).strict(), z.object({ projectId: idSchema }).strict()]),
    output: z.array(sessionSchema),
  },
  'sessions.get': { input: sessionRef, output: sessionSchema },
  /** Every live session (its program runs), oldest first; of one project when it is given. */
  'sessions.live': { input: z.object({ projectId: idSchema.optional() }).strict(), output: z.array(sessionSchema) },
  'sessions.history': { input: sessionRef, output: z.array(stateChangeSchema) },
  /**
   * Start receiving terminal.data for a session. The snapshot reproduces the current screen; drop
   * every terminal.data event whose seq is at or below `seq`.
   */
  'terminal.attach': {
    input: z.object({ sessionId: idSchema, cols: colsSchema.optional(), rows: rowsSchema.optional() }).strict(),
    output: z.object({ snapshot: z.string(), seq: z.number().int().nonnegative(), cols: z.number().int(), rows: z.number().int() }),
  },
  'terminal.detach': { input: sessionRef, output: ok },
  'transcript.search': {
    input: z
      .object({
        sessionId: idSchema,
        query: z.string().min(1).max(1_000),
        context: z.number().int().min(0).max(20).default(2),
        limit: z.number().int().min(1).max(1_000).default(100),
      })
      .strict(),
    output: z.object({ matches: z.array(transcriptMatchSchema), truncated: z.boolean() }),
  },
  'transcript.export': {
    input: z.object({ sessionId: idSchema, format: z.enum(['text', 'raw']) }).strict(),
    output: z.object({ format: z.enum(['text', 'raw']), data: z.string() }),
  },
} as const;

/**
 * The terminal's hot path: messages without a reply, so that a keystroke costs no round trip. One
 * the main side refuses (bad input, a session that is not running) is dropped, and its sender gets
 * a message.refused event.
 */
export const sessionMessages = {
  'terminal.input': z.object({ sessionId: idSchema, data: z.string().min(1).max(MAX_TERMINAL_INPUT_CHARS) }).strict(),
  'terminal.resize': z.object({ sessionId: idSchema, cols: colsSchema, rows: rowsSchema }).strict(),
  /** Characters of terminal.data that the client's xterm has parsed. */
  'terminal.ack': z.object({ sessionId: idSchema, chars: z.number().int().positive() }).strict(),
} as const;

export const sessionEvents = {
  /** Output for one attached client; sent only to connections attached to the session. */
  'terminal.data': z.object({ sessionId: idSchema, seq: z.number().int().positive(), data: z.string() }),
  /** This connection no longer receives the session's output (it fell behind); attach again. */
  'terminal.detached': z.object({ sessionId: idSchema, reason: z.enum(['slow']) }),
  'session.state': z.object({ sessionId: idSchema, taskId: idSchema, change: stateChangeSchema }),
  'session.changed': sessionSchema,
  'session.exited': z.object({
    sessionId: idSchema,
    taskId: idSchema,
    exitCode: z.number().int(),
    signal: z.number().int().nullable(),
  }),
} as const;
