import { WRITE_TRANSACTION } from '../db/client';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { AgentKind, Session, SessionStopReason, StateChange } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { sessions, stateChanges, tasks as taskTable } from '../db/schema';

/** Sessions and their state changes as stored in SQLite: every query of the two tables, and nothing else. */
export class SessionRows {
  constructor(private readonly db: Db) {}

  get(id: string): Session {
    const row = this.db.select().from(sessions).where(eq(sessions.id, id)).get();
    if (!row) throw new SwitchyardError('NOT_FOUND', `no session with id ${id}`, { id });
    return row;
  }

  find(id: string): Session | undefined {
    return this.db.select().from(sessions).where(eq(sessions.id, id)).get();
  }

  ofTask(taskId: string): Session[] {
    return this.db.select().from(sessions).where(eq(sessions.taskId, taskId)).orderBy(asc(sessions.startedAt)).all();
  }

  ofProject(projectId: string): Session[] {
    const taskIds = this.db.select({ id: taskTable.id }).from(taskTable).where(eq(taskTable.projectId, projectId));
    return this.db.select().from(sessions).where(inArray(sessions.taskId, taskIds)).orderBy(asc(sessions.startedAt)).all();
  }

  /** Sessions whose program runs, oldest first: every one, or those of one project. */
  live(projectId?: string): Session[] {
    const running = isNull(sessions.endedAt);
    if (projectId === undefined) return this.db.select().from(sessions).where(running).orderBy(asc(sessions.startedAt)).all();
    const taskIds = this.db.select({ id: taskTable.id }).from(taskTable).where(eq(taskTable.projectId, projectId));
    return this.db.select().from(sessions).where(and(running, inArray(sessions.taskId, taskIds))).orderBy(asc(sessions.startedAt)).all();
  }

  /** The task's session whose program has not ended, if any. */
  runningOf(taskId: string): string | undefined {
    return this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.taskId, taskId), isNull(sessions.endedAt)))
      .orderBy(desc(sessions.startedAt))
      .get()?.id;
  }

  latestOf(taskId: string): Session | undefined {
    return this.db.select().from(sessions).where(eq(sessions.taskId, taskId)).orderBy(desc(sessions.startedAt)).get();
  }

  isRunning(id: string): boolean {
    const row = this.db.select({ endedAt: sessions.endedAt }).from(sessions).where(eq(sessions.id, id)).get();
    return row !== undefined && row.endedAt === null;
  }

  taskOf(id: string): string | undefined {
    return this.db.select({ taskId: sessions.taskId }).from(sessions).where(eq(sessions.id, id)).get()?.taskId;
  }

  /** Sessions a previous run of the app left open. */
  open(): { id: string; taskId: string }[] {
    return this.db.select({ id: sessions.id, taskId: sessions.taskId }).from(sessions).where(isNull(sessions.endedAt)).all();
  }

  /** How many sessions of the task ended in failure. */
  failures(taskId: string): number {
    return this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.taskId, taskId), eq(sessions.state, 'failed')))
      .all().length;
  }

  insertStarting(row: { id: string; taskId: string; agentKind: AgentKind; agentSessionId: string | null; cwd: string; at: number }): void {
    this.db
      .insert(sessions)
      .values({
        id: row.id,
        taskId: row.taskId,
        agentKind: row.agentKind,
        agentSessionId: row.agentSessionId,
        state: 'starting',
        stateSource: 'host',
        stateAt: row.at,
        pid: null,
        cwd: row.cwd,
        exitCode: null,
        startedAt: row.at,
        endedAt: null,
        stopReason: null,
      })
      .run();
  }

  /** The session runs again (a restart or resume): it has not ended and has no exit code. */
  markRelaunched(id: string, launch: { agentSessionId: string | null; cwd: string; at: number }): void {
    this.db
      .update(sessions)
      .set({ agentSessionId: launch.agentSessionId, cwd: launch.cwd, exitCode: null, startedAt: launch.at, endedAt: null, stopReason: null })
      .where(eq(sessions.id, id))
      .run();
  }

  setPid(id: string, pid: number): void {
    this.db.update(sessions).set({ pid }).where(eq(sessions.id, id)).run();
  }

  setAgentSessionId(id: string, agentSessionId: string): void {
    this.db.update(sessions).set({ agentSessionId }).where(eq(sessions.id, id)).run();
  }

  /** The program could not be started: the session failed and ended at once. */
  markSpawnFailed(id: string, at: number): void {
    this.db.update(sessions).set({ state: 'failed', stateSource: 'host', stateAt: at, endedAt: at }).where(eq(sessions.id, id)).run();
  }

  markEnded(id: string, ended: { endedAt: number; exitCode?: number; stopReason?: SessionStopReason }): void {
    this.db.update(sessions).set(ended).where(eq(sessions.id, id)).run();
  }

  /** The state of the latest change stored. */
  lastState(id: string): StateChange['state'] | undefined {
    return this.db
      .select({ state: stateChanges.state })
      .from(stateChanges)
      .where(eq(stateChanges.sessionId, id))
      .orderBy(desc(stateChanges.id))
      .get()?.state;
  }

  /** The latest `count` changes, newest first. */
  latestChanges(id: string, count: number): { state: StateChange['state']; detail: string | null }[] {
    return this.db
      .select({ state: stateChanges.state, detail: stateChanges.detail })
      .from(stateChanges)
      .where(eq(stateChanges.sessionId, id))
      .orderBy(desc(stateChanges.id))
      .limit(count)
      .all();
  }

  history(id: string): StateChange[] {
    return this.db
      .select({ state: stateChanges.state, source: stateChanges.source, at: stateChanges.at, detail: stateChanges.detail })
      .from(stateChanges)
      .where(eq(stateChanges.sessionId, id))
      .orderBy(asc(stateChanges.id))
      .all()
      .map((row) => (row.detail === null ? { state: row.state, source: row.source, at: row.at } : { ...row, detail: row.detail }));
  }

  /** The session's current state and its history, in one transaction. */
  saveState(id: string, change: StateChange): void {
    this.db.transaction((tx) => {
      tx.update(sessions).set({ state: change.state, stateSource: change.source, stateAt: change.at }).where(eq(sessions.id, id)).run();
      tx.insert(stateChanges)
        .values({ sessionId: id, state: change.state, source: change.source, at: change.at, detail: change.detail ?? null })
        .run();
    }, WRITE_TRANSACTION);
  }
}
