import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { AgentKind } from '../../../../shared/contract/tasks';
import type { SessionState, SessionStopReason, StateSource } from '../../../../shared/contract/sessionState';
import { tasks } from './tasks';

/** One agent session of a task: the pty it runs in, and what Switchyard believes it is doing. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    agentKind: text('agent_kind').$type<AgentKind>().notNull(),
    /** The agent's own id for this conversation (Claude Code's session uuid), so that a resume finds it. */
    agentSessionId: text('agent_session_id'),
    state: text('state').$type<SessionState>().notNull(),
    stateSource: text('state_source').$type<StateSource>().notNull(),
    stateAt: integer('state_at').notNull(),
    pid: integer('pid'),
    cwd: text('cwd').notNull(),
    exitCode: integer('exit_code'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** Why its program was stopped on purpose, when it was (a run again clears it). */
    stopReason: text('stop_reason').$type<SessionStopReason>(),
  },
  (t) => [index('sessions_task').on(t.taskId, t.startedAt)],
);

/** Every state change of a session, with why it was believed. */
export const stateChanges = sqliteTable(
  'state_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    state: text('state').$type<SessionState>().notNull(),
    source: text('source').$type<StateSource>().notNull(),
    at: integer('at').notNull(),
    detail: text('detail'),
  },
  (t) => [index('state_changes_session').on(t.sessionId, t.at)],
);

/** The terminal output of a session, batch by batch, exactly as the pty produced it. */
export const transcriptChunks = sqliteTable(
  'transcript_chunks',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: text('data').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.seq] })],
);
