import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import { DEFAULT_FLOW_LIMITS, type FlowLimits } from './flowControl';
import type { HostCommand, HostCommandOf, HostEvent, HostReplies, PostedCommand, StateReport } from './hostProtocol';
import { HostSession } from './hostSession';
import { Listeners } from './listeners';
import { MirrorThread } from './mirrorThread';
import { OutputBudget } from './outputBudget';
import { STOP_GRACE_MS } from './stopEscalation';
import { consoleLogger, type Logger } from '../log';
import { noTerminalObserver, type CreateTerminalObserver } from './terminalObserver';

export interface SessionHostOptions {
  createObserver?: CreateTerminalObserver;
  flowLimits?: Partial<FlowLimits>;
  /** Output of the sessions no pane shows, together (characters per second). */
  unwatchedCharsPerSecond?: number;
  stopGraceMs?: number;
  log?: Logger;
}

/**
 * Owns every pty of the app. Its only surface is `send` (a command, answered with plain data or a
 * typed error) and `onEvent`; see hostProtocol.ts.
 */
export class SessionHost implements Disposable {
  private readonly sessions = new Map<string, HostSession>();
  private readonly listeners: Listeners<HostEvent>;
  private readonly stateListeners: Listeners<StateReport>;
  private readonly flowLimits: FlowLimits;
  /** Started with the first session: a host that never runs one costs no thread. */
  private mirrors: MirrorThread | undefined;
  private readonly unwatchedBudget: OutputBudget;
  private disposed = false;

  constructor(private readonly options: SessionHostOptions = {}) {
    this.flowLimits = { ...DEFAULT_FLOW_LIMITS, ...options.flowLimits };
    this.unwatchedBudget = new OutputBudget(options.unwatchedCharsPerSecond);
    const failed = (what: string, error: unknown) => (this.options.log ?? consoleLogger()).error(`a listener of the session host failed on ${what}`, error);
    this.listeners = new Listeners((error, event) => failed(event.type, error));
    this.stateListeners = new Listeners((error) => failed('state', error));
  }

  onEvent(listener: (event: HostEvent) => void): Disposable {
    return this.listeners.add(listener);
  }

  /** The agent state of every session, apart from the pty's events (see StateReport). */
  onState(listener: (report: StateReport) => void): Disposable {
    return this.stateListeners.add(listener);
  }

  /** How many sessions it holds, and how many of them run a program. */
  sessionCount(): { running: number; all: number } {
    let running = 0;
    for (const session of this.sessions.values()) if (session.running) running++;
    return { running, all: this.sessions.size };
  }

  async send<C extends HostCommand>(command: C): Promise<HostReplies[C['type']]> {
    if (this.disposed) throw new SwitchyardError('INTERNAL', 'the session host is shut down');
    return (await this.handle(command)) as HostReplies[C['type']];
  }

  /**
   * A one-way command (see PostedCommand). Input to a session that ended meanwhile is dropped: its
   * sender hears of the exit, and the next key it types is refused there.
   */
  post(command: PostedCommand): void {
    if (this.disposed) return;
    const session = this.sessions.get(command.sessionId);
    if (command.type === 'ack') session?.ack(command.clientId, command.chars);
    else if (session?.acceptsInput) session.input(command.data);
  }

  private async handle(command: HostCommand): Promise<HostReplies[HostCommand['type']]> {
    switch (command.type) {
      case 'spawn':
        return this.spawn(command);
      case 'input':
        this.get(command.sessionId).input(command.data);
        return null;
      case 'resize':
        this.get(command.sessionId).resize(command.cols, command.rows);
        return null;
      case 'interrupt':
        this.get(command.sessionId).interrupt();
        return null;
      case 'stop':
        return this.get(command.sessionId).stop();
      case 'attach': {
        const size = command.cols && command.rows ? { cols: command.cols, rows: command.rows } : undefined;
        return this.get(command.sessionId).attach(command.clientId, size);
      }
      case 'detach':
        this.sessions.get(command.sessionId)?.detach(command.clientId);
        return null;
      case 'ack':
        this.sessions.get(command.sessionId)?.ack(command.clientId, command.chars);
        return null;
      case 'release':
        return this.release(command.sessionId);
      case 'list':
        return [...this.sessions.values()].map((session) => session.info());
    }
  }

  private spawn(command: HostCommandOf<'spawn'>): HostReplies['spawn'] {
    let session = this.sessions.get(command.sessionId);
    const fresh = !session;
    session ??= new HostSession(command.sessionId, command.cols, command.rows, {
      createObserver: this.options.createObserver ?? noTerminalObserver,
      flowLimits: this.flowLimits,
      stopGraceMs: this.options.stopGraceMs ?? STOP_GRACE_MS,
      mirrors: (this.mirrors ??= new MirrorThread(this.options.log ?? consoleLogger())),
      unwatchedBudget: this.unwatchedBudget,
      emit: (event) => this.emit(event),
      reportState: (report) => this.stateListeners.tell(report),
    }, command.startSeq);
    if (!fresh) session.resize(command.cols, command.rows);
    try {
      const reply = session.spawn(command.launch);
      this.sessions.set(command.sessionId, session);
      return reply;
    } catch (error) {
      if (fresh) void session.dispose();
      throw error;
    }
  }

  private async release(sessionId: string): Promise<null> {
    const session = this.sessions.get(sessionId);
    if (!session) return null;
    if (session.running) throw new SwitchyardError('CONFLICT', `session ${sessionId} is still running`, { sessionId });
    this.sessions.delete(sessionId);
    await session.dispose();
    return null;
  }

  private get(sessionId: string): HostSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SwitchyardError('SESSION_NOT_RUNNING', `session ${sessionId} is not running`, { sessionId });
    return session;
  }

  private emit(event: HostEvent): void {
    this.listeners.tell(event);
  }

  /** Stops every running program (SIGTERM, then SIGKILL) and frees every mirror. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([...this.sessions.values()].map((session) => session.dispose()));
    this.sessions.clear();
    this.listeners.clear();
    this.stateListeners.clear();
    this.unwatchedBudget.dispose();
    await this.mirrors?.dispose();
  }
}
