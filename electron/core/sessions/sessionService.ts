import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Session, StateChange, Task, TranscriptMatch } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import type { UnsavedWrites } from '../db/unsavedWrites';
import { sessions, stateChanges, tasks as taskTable } from '../db/schema';
import { DisposableStore, type Disposable } from '../disposable';
import type { ClientContext } from '../clientContext';
import type { Logger } from '../log';
import type { EventBus } from '../events';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { TaskService } from '../tasks/taskService';
import type { TaskEvent } from '../tasks/taskTransitions';
import type { AttachReply, HostEvent } from './hostProtocol';
import type { FinishedScreens } from './finishedScreens';
import { STOPPED_DETAIL } from './hostSession';
import type { Launcher, ResolvedLaunch } from './launcher';
import type { SessionHost } from './sessionHost';
import { plainLines, plainText, searchLines } from './transcriptText';
import type { TranscriptStore } from './transcriptStore';

/** What an agent's state tells its task's lifecycle; other states tell it nothing. */
const TASK_EVENT_OF_STATE: Partial<Record<StateChange['state'], TaskEvent>> = {
  working: 'session.working',
  needs_input: 'session.needsInput',
  idle: 'session.turnFinished',
};

/** The detail of the end of a session whose app went away under it (killed, or the machine restarted). */
export const ORPHANED_DETAIL = 'Switchyard restarted';

/**
 * What an agent resumed after an interruption is told: its conversation shows where it was, and
 * without a message it would only wait at its prompt.
 */
export const INTERRUPTED_FOLLOW_UP =
  'Your previous session was interrupted before you finished. Check the state of the working tree and carry on with the task from where you left off.';

/** The states of an agent in the middle of its work: a session that ended in one was interrupted. */
const MID_WORK_STATES: ReadonlySet<StateChange['state']> = new Set(['working', 'needs_input']);

/** Size of a pane before any client said how big it is. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 32;

export interface SessionServiceDeps {
  db: Db;
  bus: EventBus;
  tasks: TaskService;
  lifecycle: TaskLifecycle;
  host: SessionHost;
  launcher: Launcher;
  transcript: TranscriptStore;
  /** The agent side's hold on a session (its hook token), let go once the session ends. */
  agentSessions: { endSession(sessionId: string): void };
  /** The screens of sessions that ran before this run of the app. */
  screens: FinishedScreens;
  /** Where state changes and exits wait while the storage refuses them (a full disk). */
  unsaved: UnsavedWrites;
  log: Logger;
}

/**
 * Agent sessions as the rest of the app sees them: rows in SQLite, calls from clients, events on
 * the bus. The ptys themselves live in the session host, reached only through its commands.
 */
export class SessionService implements Disposable {
  private readonly disposables = new DisposableStore();
  /** Clients attached to at least one session, and the sessions each is attached to. */
  private readonly clients = new Map<string, { client: ClientContext; sessions: Set<string>; closed: Disposable }>();
  /** Sessions the host holds a screen for in this run of the app (running or finished). */
  private readonly inHost = new Set<string>();
  /** Tasks whose session is being started: a second start meanwhile is a conflict too. */
  private readonly starting = new Set<string>();
  /** Running sessions with their task and project, so that deleting either stops them; they leave at their exit. */
  private readonly live = new Map<string, { taskId: string; projectId: string }>();
  private shuttingDown = false;
  /** Sessions the user asked to stop: their exit is not a failure of the task. */
  private readonly stopping = new Set<string>();
  /** The latest state change of sessions where it waits in `unsaved` (the disk is full). */
  private readonly unsavedStates = new Map<string, StateChange>();

  constructor(private readonly deps: SessionServiceDeps) {
    this.disposables.add(deps.host.onEvent((event) => this.onHostEvent(event)));
    this.disposables.add(deps.host.onState(({ sessionId, change }) => this.recordState(sessionId, change)));
    // A deleted task (or project) takes its sessions' rows with it: its programs must not outlive them.
    this.disposables.add(
      deps.bus.subscribe(({ event, payload }) => {
        if (event === 'task.changed' && payload.kind === 'deleted') this.stopWhere((s) => s.taskId === payload.id);
        // A task done (merged, its worktree removed) has nothing left for its agent to do.
        if (event === 'task.changed' && payload.kind === 'updated' && payload.task.status === 'done') {
          this.stopWhere((s) => s.taskId === payload.task.id);
        }
        if (event === 'project.changed' && payload.kind === 'removed') this.stopWhere((s) => s.projectId === payload.id);
      }),
    );
  }

  private stopWhere(match: (session: { taskId: string; projectId: string }) => boolean): void {
    for (const [id, session] of this.live) {
      if (!match(session) || this.stopping.has(id)) continue;
      // Stopped on purpose: the exit that follows is not a failure of the task.
      this.stopping.add(id);
      this.deps.host.send({ type: 'stop', sessionId: id }).catch(() => {});
    }
  }

  get(id: string): Session {
    const row = this.deps.db.select().from(sessions).where(eq(sessions.id, id)).get();
    if (!row) throw new SwitchyardError('NOT_FOUND', `no session with id ${id}`, { id });
    return row;
  }

  list(filter: { taskId: string } | { projectId: string }): Session[] {
    const { db } = this.deps;
    if ('taskId' in filter) {
      this.deps.tasks.get(filter.taskId);
      return db.select().from(sessions).where(eq(sessions.taskId, filter.taskId)).orderBy(asc(sessions.startedAt)).all();
    }
    const taskIds = db.select({ id: taskTable.id }).from(taskTable).where(eq(taskTable.projectId, filter.projectId));
    return db.select().from(sessions).where(inArray(sessions.taskId, taskIds)).orderBy(asc(sessions.startedAt)).all();
  }

  history(id: string): StateChange[] {
    this.get(id);
    return this.deps.db
      .select({ state: stateChanges.state, source: stateChanges.source, at: stateChanges.at, detail: stateChanges.detail })
      .from(stateChanges)
      .where(eq(stateChanges.sessionId, id))
      .orderBy(asc(stateChanges.id))
      .all()
      .map((row) => (row.detail === null ? { state: row.state, source: row.source, at: row.at } : { ...row, detail: row.detail }));
  }

  async start(taskId: string, size?: { cols?: number | undefined; rows?: number | undefined }): Promise<Session> {
    const task = this.deps.tasks.get(taskId);
    const running = this.deps.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.taskId, taskId), isNull(sessions.endedAt)))
      .orderBy(desc(sessions.startedAt))
      .get();
    if (running || this.starting.has(taskId)) {
      throw new SwitchyardError('CONFLICT', `task "${task.title}" already has a running session`, { sessionId: running?.id });
    }
    this.starting.add(taskId);
    try {
      const interrupted = this.interruptedSession(task);
      if (interrupted) return await this.relaunch(interrupted.id, true, size, INTERRUPTED_FOLLOW_UP);
      return await this.startNew(task, size);
    } finally {
      this.starting.delete(taskId);
    }
  }

  private async startNew(task: Task, size?: { cols?: number | undefined; rows?: number | undefined }): Promise<Session> {
    const taskId = task.id;
    const id = randomUUID();
    const launch = await this.deps.launcher(task, { sessionId: id, resume: false, agentSessionId: null });
    const now = Date.now();
    this.deps.db
      .insert(sessions)
      .values({
        id,
        taskId,
        agentKind: task.agentKind,
        agentSessionId: launch.agentSessionId ?? null,
        state: 'starting',
        stateSource: 'host',
        stateAt: now,
        pid: null,
        cwd: launch.cwd,
        exitCode: null,
        startedAt: now,
        endedAt: null,
      })
      .run();
    await this.spawn(id, launch, size);
    this.deps.lifecycle.send(taskId, 'session.started');
    return this.changed(id);
  }

  /**
   * The task's latest session, when it was stopped (by the user, the app quitting or the machine
   * restarting) in the middle of its agent's work, with the same kind of agent: starting the task
   * again continues that conversation in that session instead of beginning a new one. A session
   * that failed, finished its turn, or never began working is not continued.
   */
  private interruptedSession(task: Task): Session | undefined {
    const { db } = this.deps;
    const latest = db.select().from(sessions).where(eq(sessions.taskId, task.id)).orderBy(desc(sessions.startedAt)).get();
    if (!latest || latest.endedAt === null || latest.agentKind !== task.agentKind) return undefined;
    const [last, before] = db
      .select({ state: stateChanges.state, detail: stateChanges.detail })
      .from(stateChanges)
      .where(eq(stateChanges.sessionId, latest.id))
      .orderBy(desc(stateChanges.id))
      .limit(2)
      .all();
    const stopped = last?.state === 'exited' && (last.detail === STOPPED_DETAIL || last.detail === ORPHANED_DETAIL);
    return stopped && before && MID_WORK_STATES.has(before.state) ? latest : undefined;
  }

  /** Runs the task's agent again in an existing session: fresh (restart) or continuing its conversation (resume). */
  async relaunch(
    id: string,
    resume: boolean,
    size?: { cols?: number | undefined; rows?: number | undefined },
    followUp?: string,
  ): Promise<Session> {
    const session = this.get(id);
    if (this.isRunning(id)) await this.stop(id);
    const task = this.deps.tasks.get(session.taskId);
    const request = { sessionId: id, resume, agentSessionId: session.agentSessionId };
    const launch = await this.deps.launcher(task, followUp === undefined ? request : { ...request, followUp });
    const now = Date.now();
    this.deps.db
      .update(sessions)
      .set({
        agentSessionId: launch.agentSessionId ?? session.agentSessionId,
        cwd: launch.cwd,
        exitCode: null,
        startedAt: now,
        endedAt: null,
      })
      .where(eq(sessions.id, id))
      .run();
    await this.spawn(id, launch, size, true);
    this.deps.lifecycle.send(task.id, 'session.started');
    return this.changed(id);
  }

  async stop(id: string): Promise<Session> {
    this.get(id);
    this.stopping.add(id);
    try {
      await this.deps.host.send({ type: 'stop', sessionId: id });
    } catch (error) {
      this.stopping.delete(id);
      throw error;
    }
    return this.get(id);
  }

  async interrupt(id: string): Promise<{ ok: true }> {
    this.get(id);
    await this.deps.host.send({ type: 'interrupt', sessionId: id });
    return { ok: true };
  }

  /** A keystroke: the session row is read only when the host does not hold the session (to tell NOT_FOUND). */
  async input(id: string, data: string): Promise<void> {
    if (!this.inHost.has(id)) this.get(id);
    await this.deps.host.send({ type: 'input', sessionId: id, data });
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    if (this.inHost.has(id)) await this.deps.host.send({ type: 'resize', sessionId: id, cols, rows });
    else this.get(id);
  }

  async attach(id: string, client: ClientContext, size?: { cols?: number | undefined; rows?: number | undefined }): Promise<AttachReply> {
    this.get(id);
    const cols = size?.cols;
    const rows = size?.rows;
    // Tracked also when the screen comes from the transcript: a restart in place sends it the output.
    this.track(client, id);
    if (!this.inHost.has(id)) return this.deps.screens.attach(id, cols ?? DEFAULT_COLS, rows ?? DEFAULT_ROWS);
    return this.deps.host.send({ type: 'attach', sessionId: id, clientId: client.clientId, cols, rows });
  }

  async detach(id: string, client: ClientContext): Promise<{ ok: true }> {
    this.clients.get(client.clientId)?.sessions.delete(id);
    await this.deps.host.send({ type: 'detach', sessionId: id, clientId: client.clientId });
    this.releaseIfOver(id);
    return { ok: true };
  }

  async ack(id: string, client: ClientContext, chars: number): Promise<void> {
    await this.deps.host.send({ type: 'ack', sessionId: id, clientId: client.clientId, chars });
  }

  /** The clients the host sends this session's output to. */
  async attachedClients(id: string): Promise<string[]> {
    const info = (await this.deps.host.send({ type: 'list' })).find((s) => s.sessionId === id);
    return info?.clients ?? [];
  }

  async search(id: string, query: string, context: number, limit: number): Promise<{ matches: TranscriptMatch[]; truncated: boolean }> {
    this.get(id);
    return searchLines(plainLines(await this.deps.transcript.raw(id)), query, context, limit);
  }

  async export(id: string, format: 'text' | 'raw'): Promise<{ format: 'text' | 'raw'; data: string }> {
    this.get(id);
    const raw = await this.deps.transcript.raw(id);
    return { format, data: format === 'raw' ? raw : plainText(raw) };
  }

  /** Runs the launch in the host; `again` for a session that ran before, whose recorded output it continues. */
  private async spawn(
    id: string,
    launch: ResolvedLaunch,
    size?: { cols?: number | undefined; rows?: number | undefined },
    again = false,
  ): Promise<void> {
    const current = (await this.deps.host.send({ type: 'list' })).find((s) => s.sessionId === id);
    const cols = size?.cols ?? current?.cols ?? DEFAULT_COLS;
    const rows = size?.rows ?? current?.rows ?? DEFAULT_ROWS;
    // A session that ran before the app restarted continues its recorded output's numbering.
    const startSeq = again && !current ? await this.deps.transcript.lastSeq(id) : undefined;
    try {
      const { pid } = await this.deps.host.send({ type: 'spawn', sessionId: id, launch, cols, rows, startSeq });
      this.inHost.add(id);
      // A pane showing the session's recorded screen sees the new run continue below it.
      if (!current) await this.joinWatchers(id);
      const { taskId } = this.get(id);
      this.live.set(id, { taskId, projectId: this.deps.tasks.get(taskId).projectId });
      this.deps.db.update(sessions).set({ pid }).where(eq(sessions.id, id)).run();
    } catch (error) {
      const now = Date.now();
      this.deps.db
        .update(sessions)
        .set({ state: 'failed', stateSource: 'host', stateAt: now, endedAt: now })
        .where(eq(sessions.id, id))
        .run();
      throw error;
    }
  }

  private track(client: ClientContext, sessionId: string): void {
    let entry = this.clients.get(client.clientId);
    if (!entry) {
      const created = {
        client,
        sessions: new Set<string>(),
        closed: client.onClose(() => {
          this.clients.delete(client.clientId);
          for (const id of created.sessions) {
            void this.deps.host.send({ type: 'detach', sessionId: id, clientId: client.clientId }).catch(() => {});
            this.releaseIfOver(id);
          }
        }),
      };
      entry = created;
      this.clients.set(client.clientId, entry);
    }
    entry.sessions.add(sessionId);
  }

  private onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'output':
        this.deps.transcript.append(event.sessionId, event.seq, event.data);
        for (const clientId of event.to) {
          this.clients.get(clientId)?.client.send('terminal.data', { sessionId: event.sessionId, seq: event.seq, data: event.data });
        }
        return;
      case 'exited':
        return this.recordExit(event);
      case 'detached': {
        const entry = this.clients.get(event.clientId);
        entry?.sessions.delete(event.sessionId);
        entry?.client.send('terminal.detached', { sessionId: event.sessionId, reason: event.reason });
        this.releaseIfOver(event.sessionId);
        return;
      }
      case 'flow':
        return;
    }
  }

  /**
   * Stores a state change and tells everyone. On a full disk the change waits in memory, in
   * order, and is told all the same: nothing on the host's event path throws.
   */
  private recordState(sessionId: string, change: StateChange): void {
    const { db } = this.deps;
    const row = db.select({ taskId: sessions.taskId }).from(sessions).where(eq(sessions.id, sessionId)).get();
    if (!row) return;
    // The host and the state engine can both see an exit: a state said twice in a row is one change.
    const last =
      this.unsavedStates.get(sessionId)?.state ??
      db
        .select({ state: stateChanges.state })
        .from(stateChanges)
        .where(eq(stateChanges.sessionId, sessionId))
        .orderBy(desc(stateChanges.id))
        .get()?.state;
    if (last === change.state) return;
    const saved = this.deps.unsaved.run(`the ${change.state} state of session ${sessionId}`, () => {
      db.transaction((tx) => {
        tx.update(sessions)
          .set({ state: change.state, stateSource: change.source, stateAt: change.at })
          .where(eq(sessions.id, sessionId))
          .run();
        tx.insert(stateChanges)
          .values({ sessionId, state: change.state, source: change.source, at: change.at, detail: change.detail ?? null })
          .run();
      });
      if (this.unsavedStates.get(sessionId) === change) this.unsavedStates.delete(sessionId);
    });
    if (!saved) this.unsavedStates.set(sessionId, change);
    this.deps.bus.emit('session.state', { sessionId, taskId: row.taskId, change });
    this.deps.unsaved.run(`the board column of task ${row.taskId}`, () => this.followOnBoard(row.taskId, change, last));
  }

  /**
   * The board follows the agent: waiting for its human (needs input), done with its turn (review),
   * and back to running once it works again, also after a review asked it for more.
   */
  private followOnBoard(taskId: string, change: StateChange, previous: StateChange['state'] | undefined): void {
    const event = TASK_EVENT_OF_STATE[change.state];
    if (!event) return;
    // Idle at the prompt before any work (an agent just started) is not a finished turn.
    if (change.state === 'idle' && previous !== 'working' && previous !== 'needs_input') return;
    this.deps.lifecycle.send(taskId, event);
  }

  private recordExit(event: Extract<HostEvent, { type: 'exited' }>): void {
    const { db } = this.deps;
    this.live.delete(event.sessionId);
    this.deps.transcript.flush();
    const stopped = this.stopping.delete(event.sessionId) || this.shuttingDown;
    const ended = { exitCode: event.exitCode, endedAt: event.at };
    this.deps.unsaved.run(`the exit of session ${event.sessionId}`, () =>
      db.update(sessions).set(ended).where(eq(sessions.id, event.sessionId)).run(),
    );
    const stored = db.select().from(sessions).where(eq(sessions.id, event.sessionId)).get();
    if (!stored) return;
    // What is told is what happened, also while the disk is too full to store it.
    const unsavedState = this.unsavedStates.get(event.sessionId);
    const state = unsavedState && { state: unsavedState.state, stateSource: unsavedState.source, stateAt: unsavedState.at };
    const session: Session = { ...stored, ...state, ...ended };
    this.deps.unsaved.run(`the column of task ${session.taskId} after its session ended`, () =>
      this.followExit(session.taskId, stopped, event),
    );
    this.deps.bus.emit('session.exited', {
      sessionId: event.sessionId,
      taskId: session.taskId,
      exitCode: event.exitCode,
      signal: event.signal,
    });
    this.deps.bus.emit('session.changed', session);
    this.deps.agentSessions.endSession(event.sessionId);
    this.releaseIfOver(event.sessionId);
  }

  private async joinWatchers(id: string): Promise<void> {
    for (const { client, sessions: watching } of this.clients.values()) {
      if (watching.has(id)) await this.deps.host.send({ type: 'attach', sessionId: id, clientId: client.clientId });
    }
  }

  /** Whether any client is attached to the session's output. */
  private watched(id: string): boolean {
    for (const entry of this.clients.values()) if (entry.sessions.has(id)) return true;
    return false;
  }

  /**
   * Frees the host's session (its screen mirror, numbering and flow state) once its program has
   * ended and no pane shows it: a pane still open keeps the screen for a restart in place; one
   * attached later is shown the screen rebuilt from the transcript.
   */
  private releaseIfOver(id: string): void {
    if (this.shuttingDown || !this.inHost.has(id) || this.live.has(id) || this.watched(id)) return;
    this.inHost.delete(id);
    this.deps.host.send({ type: 'release', sessionId: id }).catch((error: unknown) => this.deps.log.error(`releasing session ${id} failed`, error));
  }

  /**
   * A clean exit is ready for review and a crash failed. An agent the user stopped, or that the
   * app's own shutdown ended, was interrupted: in the middle of its work its task goes back to
   * Ready so that a run starts it again; one that had finished its turn stays in review.
   */
  private followExit(taskId: string, stopped: boolean, event: Extract<HostEvent, { type: 'exited' }>): void {
    const ending = stopped ? 'session.interrupted' : event.exitCode === 0 && event.signal === null ? 'session.exitedOk' : 'session.failed';
    this.deps.lifecycle.send(taskId, ending);
  }

  private changed(id: string): Session {
    const session = this.get(id);
    this.deps.bus.emit('session.changed', session);
    return session;
  }

  private isRunning(id: string): boolean {
    const row = this.deps.db.select({ endedAt: sessions.endedAt }).from(sessions).where(eq(sessions.id, id)).get();
    return row !== undefined && row.endedAt === null;
  }

  /** Marks every session still "running" in SQLite as ended: their ptys died with the previous app. */
  /** The agent started a new conversation of its own (Claude Code after /clear): a resume continues that one. */
  recordAgentSessionId(id: string, agentSessionId: string): void {
    this.deps.db.update(sessions).set({ agentSessionId }).where(eq(sessions.id, id)).run();
  }

  /** How many sessions of the task ended in failure: the scheduler's retry count. */
  failures(taskId: string): number {
    return this.deps.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.taskId, taskId), eq(sessions.state, 'failed')))
      .all().length;
  }

  /**
   * Sessions a previous run of the app left open (it was killed, or the machine restarted) ended
   * with it: they are closed, and their tasks go back to Ready so that a run starts them again.
   */
  markOrphans(): void {
    const now = Date.now();
    const orphans = this.deps.db.select({ id: sessions.id, taskId: sessions.taskId }).from(sessions).where(isNull(sessions.endedAt)).all();
    for (const { id, taskId } of orphans) {
      this.deps.unsaved.run(`the end of session ${id}`, () => this.deps.db.update(sessions).set({ endedAt: now }).where(eq(sessions.id, id)).run());
      this.recordState(id, { state: 'exited', source: 'host', at: now, detail: ORPHANED_DETAIL });
      this.deps.unsaved.run(`the column of task ${taskId} after its session ended with the app`, () =>
        this.deps.lifecycle.send(taskId, 'session.interrupted'),
      );
    }
  }

  /** The app is quitting: the exits that follow are not failures of the tasks. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async dispose(): Promise<void> {
    await this.disposables.dispose();
    for (const entry of this.clients.values()) entry.closed.dispose();
    this.clients.clear();
  }
}
