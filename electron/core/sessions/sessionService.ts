import { randomUUID } from 'node:crypto';
import type { Session, SessionStopReason, StateChange, Task } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { UnsavedWrites } from '../db/unsavedWrites';
import { DisposableStore, type Disposable } from '../disposable';
import type { ClientContext } from '../clientContext';
import type { Logger } from '../log';
import type { EventBus } from '../events';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import type { TaskService } from '../tasks/taskService';
import { Attachments } from './attachments';
import type { SessionHostPort } from './hostClient';
import type { AttachReply, HostEvent, HostSessionInfo } from './hostProtocol';
import type { FinishedScreens } from './finishedScreens';
import type { SessionRows } from './sessionRows';
import type { TaskLaunch, TaskLauncher } from './taskLauncher';
import { SessionOutcomes } from './sessionOutcomes';
import { recoverSessions } from './sessionRecovery';
import { wasInterrupted } from './taskFollowsSession';
import type { TranscriptStore } from './transcriptStore';

/**
 * What an agent resumed after an interruption is told: its conversation shows where it was, and
 * without a message it would only wait at its prompt.
 */
export const INTERRUPTED_FOLLOW_UP =
  'Your previous session was interrupted before you finished. Check the state of the working tree and carry on with the task from where you left off.';

/** Size of a pane before any client said how big it is. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 32;

type PaneSize = { cols?: number | undefined; rows?: number | undefined };

export interface SessionServiceDeps {
  rows: SessionRows;
  bus: EventBus;
  tasks: TaskService;
  lifecycle: TaskLifecycle;
  host: SessionHostPort;
  launcher: TaskLauncher;
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
 * The lifecycle of agent sessions: starting, relaunching, stopping, input and attachment from
 * clients, and what the host reports (output, state, exit), recorded and told on the bus. The
 * ptys live in the session host, reached only through its commands; the rows in SessionRows.
 */
export class SessionService implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly attachments: Attachments;
  /** Sessions the host holds in this run of the app (running, or finished with a pane showing them). */
  private readonly inHost = new Set<string>();
  /** Tasks whose session is being started: a second start meanwhile is a conflict too. */
  private readonly starting = new Set<string>();
  /** Running sessions with their task and project, so that deleting either stops them; they leave at their exit. */
  private readonly running = new Map<string, { taskId: string; projectId: string }>();
  private shuttingDown = false;
  /**
   * Sessions stopped on purpose, with why (null: their task was deleted or done): their exit is
   * not a failure of the task.
   */
  private readonly stopping = new Map<string, SessionStopReason | null>();
  /** What the host reports of each session's program: its states and its exit. */
  private readonly outcomes: SessionOutcomes;
  /** Settles once the sessions a host kept running through a restart are taken back (see `recover`). */
  private recovered: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SessionServiceDeps) {
    this.outcomes = new SessionOutcomes(deps, {
      ended: (sessionId, hostLost) => {
        this.running.delete(sessionId);
        const stopReason = this.stopping.get(sessionId) ?? null;
        // An agent that went with its host was interrupted, not failed: starting its task resumes it.
        const stopped = this.stopping.delete(sessionId) || this.shuttingDown || hostLost;
        return { stopped, stopReason };
      },
      told: (sessionId) => this.releaseIfOver(sessionId),
    });
    this.attachments = new Attachments((clientId, sessionIds) => {
      for (const id of sessionIds) {
        void deps.host.send({ type: 'detach', sessionId: id, clientId }).catch(() => {});
        this.releaseIfOver(id);
      }
    });
    this.disposables.add(this.attachments);
    this.disposables.add(deps.host.onEvent((event) => this.onHostEvent(event)));
    this.disposables.add(deps.host.onState(({ sessionId, change }) => this.outcomes.recordState(sessionId, change)));
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
    for (const [id, session] of this.running) {
      if (!match(session) || this.stopping.has(id)) continue;
      // Stopped on purpose: the exit that follows is not a failure of the task.
      this.stopping.set(id, null);
      this.deps.host.send({ type: 'stop', sessionId: id }).catch(() => {});
    }
  }

  get(id: string): Session {
    return this.deps.rows.get(id);
  }

  list(filter: { taskId: string } | { projectId: string }): Session[] {
    if (!('taskId' in filter)) return this.deps.rows.ofProject(filter.projectId);
    this.deps.tasks.get(filter.taskId);
    return this.deps.rows.ofTask(filter.taskId);
  }

  /** Every session whose program runs, oldest first; of one project when it is given. */
  live(projectId?: string): Session[] {
    return this.deps.rows.live(projectId);
  }

  history(id: string): StateChange[] {
    this.deps.rows.get(id);
    return this.deps.rows.history(id);
  }

  async start(taskId: string, size?: PaneSize): Promise<Session> {
    await this.recovered;
    const task = this.deps.tasks.get(taskId);
    const running = this.deps.rows.runningOf(taskId);
    if (running || this.starting.has(taskId)) {
      throw new SwitchyardError('CONFLICT', `task "${task.title}" already has a running session`, { sessionId: running });
    }
    this.starting.add(taskId);
    try {
      const latest = this.deps.rows.latestOf(task.id);
      // An agent stopped for idleness had finished its turn: it is resumed to wait at its prompt.
      if (latest?.stopReason === 'idle' && latest.endedAt !== null && latest.agentKind === task.agentKind) {
        return await this.relaunch(latest.id, true, size);
      }
      const interrupted = this.interruptedSession(task);
      if (interrupted) return await this.relaunch(interrupted.id, true, size, INTERRUPTED_FOLLOW_UP);
      return await this.startNew(task, size);
    } finally {
      this.starting.delete(taskId);
    }
  }

  private async startNew(task: Task, size?: PaneSize): Promise<Session> {
    const id = randomUUID();
    const launch = await this.deps.launcher(task, { sessionId: id, resume: false, agentSessionId: null });
    this.deps.rows.insertStarting({
      id,
      taskId: task.id,
      agentKind: task.agentKind,
      agentSessionId: launch.agentSessionId ?? null,
      cwd: launch.cwd,
      at: Date.now(),
    });
    await this.spawn(id, launch, size);
    this.deps.lifecycle.send(task.id, 'session.started');
    return this.changed(id);
  }

  /**
   * The task's latest session, when it was interrupted in the middle of its agent's work (or
   * stopped at a usage limit), with the same kind of agent: starting the task again continues that
   * conversation in that session instead of beginning a new one.
   */
  private interruptedSession(task: Task): Session | undefined {
    const latest = this.deps.rows.latestOf(task.id);
    if (!latest || latest.endedAt === null || latest.agentKind !== task.agentKind) return undefined;
    if (latest.stopReason === 'usage_limit') return latest;
    return wasInterrupted(this.deps.rows.latestChanges(latest.id, 2)) ? latest : undefined;
  }

  /** Runs the task's agent again in an existing session: fresh (restart) or continuing its conversation (resume). */
  async relaunch(id: string, resume: boolean, size?: PaneSize, followUp?: string): Promise<Session> {
    const session = this.deps.rows.get(id);
    if (this.deps.rows.isRunning(id)) await this.stop(id);
    const task = this.deps.tasks.get(session.taskId);
    const request = { sessionId: id, resume, agentSessionId: session.agentSessionId };
    const launch = await this.deps.launcher(task, followUp === undefined ? request : { ...request, followUp });
    this.deps.rows.markRelaunched(id, { agentSessionId: launch.agentSessionId ?? session.agentSessionId, cwd: launch.cwd, at: Date.now() });
    await this.spawn(id, launch, size, true);
    // An agent stopped for idleness had finished its turn: resumed without a message, it waits at
    // its prompt and its task stays where it is until it works again.
    const waitsAtPrompt = resume && followUp === undefined && session.stopReason === 'idle' && task.status === 'review';
    if (!waitsAtPrompt) this.deps.lifecycle.send(task.id, 'session.started');
    return this.changed(id);
  }

  /** Stops the session's program on purpose; `reason` is kept on its row (the user's Stop by default). */
  async stop(id: string, reason: SessionStopReason = 'user'): Promise<Session> {
    this.deps.rows.get(id);
    this.stopping.set(id, reason);
    try {
      await this.deps.host.send({ type: 'stop', sessionId: id });
    } catch (error) {
      this.stopping.delete(id);
      throw error;
    }
    return this.deps.rows.get(id);
  }

  async interrupt(id: string): Promise<{ ok: true }> {
    this.deps.rows.get(id);
    await this.deps.host.send({ type: 'interrupt', sessionId: id });
    return { ok: true };
  }

  /** A keystroke: the session row is read only when the host does not hold the session (to tell NOT_FOUND). */
  async input(id: string, data: string): Promise<void> {
    if (!this.inHost.has(id)) this.deps.rows.get(id);
    this.deps.host.post({ type: 'input', sessionId: id, data });
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    if (this.inHost.has(id)) await this.deps.host.send({ type: 'resize', sessionId: id, cols, rows });
    else this.deps.rows.get(id);
  }

  async attach(id: string, client: ClientContext, size?: PaneSize): Promise<AttachReply> {
    this.deps.rows.get(id);
    const cols = size?.cols;
    const rows = size?.rows;
    // Attached also when the screen comes from the transcript: a restart in place sends it the output.
    this.attachments.add(client, id);
    if (!this.inHost.has(id)) return this.deps.screens.attach(id, cols ?? DEFAULT_COLS, rows ?? DEFAULT_ROWS);
    return this.deps.host.send({ type: 'attach', sessionId: id, clientId: client.clientId, cols, rows });
  }

  async detach(id: string, client: ClientContext): Promise<{ ok: true }> {
    this.attachments.remove(client.clientId, id);
    await this.deps.host.send({ type: 'detach', sessionId: id, clientId: client.clientId });
    this.releaseIfOver(id);
    return { ok: true };
  }

  async ack(id: string, client: ClientContext, chars: number): Promise<void> {
    this.deps.host.post({ type: 'ack', sessionId: id, clientId: client.clientId, chars });
  }

  /** The clients the host sends this session's output to. */
  async attachedClients(id: string): Promise<string[]> {
    const info = (await this.deps.host.send({ type: 'list' })).find((s) => s.sessionId === id);
    return info?.clients ?? [];
  }

  /** Runs the launch in the host; `again` for a session that ran before, whose recorded output it continues. */
  private async spawn(id: string, launch: TaskLaunch, size?: PaneSize, again = false): Promise<void> {
    // A host that cannot be reached (or speaks another version) fails the start like a spawn that failed: the row does not stay open.
    try {
      const current = (await this.deps.host.send({ type: 'list' })).find((s) => s.sessionId === id);
      const cols = size?.cols ?? current?.cols ?? DEFAULT_COLS;
      const rows = size?.rows ?? current?.rows ?? DEFAULT_ROWS;
      // A session the host no longer holds (it ran before the app restarted, or ended unwatched) continues its recorded output's numbering.
      const startSeq = again && !current ? await this.deps.transcript.lastSeq(id) : undefined;
      const { pid } = await this.deps.host.send({ type: 'spawn', sessionId: id, launch, cols, rows, startSeq });
      this.inHost.add(id);
      // A pane showing the session's recorded screen sees the new run continue below it.
      if (!current) {
        for (const clientId of this.attachments.watchers(id)) await this.deps.host.send({ type: 'attach', sessionId: id, clientId });
      }
      const { taskId } = this.deps.rows.get(id);
      this.running.set(id, { taskId, projectId: this.deps.tasks.get(taskId).projectId });
      this.deps.rows.setPid(id, pid);
    } catch (error) {
      this.deps.rows.markSpawnFailed(id, Date.now());
      throw error;
    }
  }

  private onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'output':
        this.deps.transcript.append(event.sessionId, event.seq, event.data);
        this.outcomes.heard(event.sessionId, event.data);
        this.attachments.sendOutput(event.sessionId, event.seq, event.data, event.to);
        return;
      case 'exited':
        return this.outcomes.recordExit(event);
      case 'detached':
        this.attachments.dropped(event.clientId, event.sessionId, event.reason);
        this.releaseIfOver(event.sessionId);
        return;
      case 'flow':
        return;
    }
  }

  /**
   * Frees the host's session (its screen mirror, numbering and flow state) once its program has
   * ended and no pane shows it: a pane still open keeps the screen for a restart in place; one
   * attached later is shown the screen rebuilt from the transcript.
   */
  private releaseIfOver(id: string): void {
    if (this.shuttingDown || !this.inHost.has(id) || this.running.has(id) || this.attachments.watched(id)) return;
    this.inHost.delete(id);
    this.deps.host.send({ type: 'release', sessionId: id }).catch((error: unknown) => this.deps.log.error(`releasing session ${id} failed`, error));
  }

  private changed(id: string): Session {
    const session = this.deps.rows.get(id);
    this.deps.bus.emit('session.changed', session);
    return session;
  }

  /** The agent started a new conversation of its own (Claude Code after /clear): a resume continues that one. */
  recordAgentSessionId(id: string, agentSessionId: string): void {
    this.deps.rows.setAgentSessionId(id, agentSessionId);
  }

  /** How many sessions of the task ended in failure: the scheduler's retry count. */
  failures(taskId: string): number {
    return this.deps.rows.failures(taskId);
  }

  /**
   * Sessions a previous run of the app left open (it was killed, or the machine restarted) ended
   * with it: they are closed, and their tasks go back to Ready so that a run starts them again.
   */
  markOrphans(): void {
    this.recover([]);
  }

  /**
   * Takes back the sessions a host kept running while no core ran (the app quit with its agents
   * kept, or was killed): each stays open with its task Running, and its screen and output come
   * from the host as before. Open sessions the host does not run ended meanwhile (see markOrphans);
   * a program the host runs with no open session left is stopped.
   */
  recoverFrom(alive: Promise<HostSessionInfo[]>): void {
    this.recovered = alive.then(
      (sessions) => this.recover(sessions),
      (error: unknown) => {
        this.deps.log.error('the session host could not be reached to take its sessions back', error);
        // A host of another version runs on: its agents keep their hook tokens. A host gone meanwhile took its agents with it.
        this.recover([], { keepTokens: error instanceof SwitchyardError && error.code === 'CONFLICT' });
      },
    );
  }

  /** Settles once `recoverFrom` has taken the host's sessions back. */
  whenRecovered(): Promise<void> {
    return this.recovered;
  }

  private recover(alive: HostSessionInfo[], options: { keepTokens?: boolean } = {}): void {
    recoverSessions({ ...this.deps, outcomes: this.outcomes }, alive, options, (id, taskId, pid) => {
      this.inHost.add(id);
      this.running.set(id, { taskId, projectId: this.deps.tasks.get(taskId).projectId });
      if (pid > 0) this.deps.rows.setPid(id, pid);
    });
  }

  /** How many sessions run a program now (what quitting would stop or keep running). */
  runningCount(): number {
    return this.running.size;
  }

  /** The app is quitting: the exits that follow are not failures of the tasks. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  async dispose(): Promise<void> {
    await this.disposables.dispose();
  }
}
