import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import type { HostCommand, HostEvent, HostReplies, HostSessionInfo, PostedCommand, StateReport } from './hostProtocol';
import { heartbeat, HOST_HEARTBEAT_TIMEOUT_MS, HOST_PROTOCOL_VERSION } from './hostWire';
import type { ClientMessage, Heartbeat, HostControl, HostLink, HostStatus, ServerMessage } from './hostWire';
import { Listeners } from './listeners';
import type { CreateTerminalObserver, TerminalObserver } from './terminalObserver';

/** The detail of the end of a session whose host went away under it (killed, or crashed). */
export const HOST_LOST_DETAIL = 'the session host stopped';

/** The detail of the end of a session whose host stopped answering (hung, or stopped with SIGSTOP) and was ended. */
export const HOST_SILENT_DETAIL = 'the session host stopped answering and was replaced';

/** What the core needs of a session host, wherever it runs. */
export interface SessionHostPort extends Disposable {
  send<C extends HostCommand>(command: C): Promise<HostReplies[C['type']]>;
  /** A keystroke or an ack, sent with no reply; input to a session not running is refused with SESSION_NOT_RUNNING. */
  post(command: PostedCommand): void;
  onEvent(listener: (event: HostEvent) => void): Disposable;
  onState(listener: (report: StateReport) => void): Disposable;
}

export type HostClientLink = HostLink<ServerMessage, ClientMessage>;

export interface HostClientOptions {
  /** Reaches the host, starting one when none runs. */
  connect: () => Promise<HostClientLink>;
  secret: string;
  /** Reads each session's agent state from what its host observes. */
  createObserver: CreateTerminalObserver;
  log: Logger;
  /** Asked at dispose: leave the agents running in the host, or stop them all. */
  onQuit: () => 'keep' | 'stop';
  /**
   * The host heard nothing from for a heartbeat window: ended here (its agents go with their
   * ptys) before another is started. Without it the connection is only closed.
   */
  onSilent?: (status: HostStatus) => void;
}

interface Connection {
  link: HostClientLink;
  status: HostStatus;
  heartbeat: Heartbeat;
}

/**
 * The core's side of the session host: the host's commands and events over a link, with the agent
 * state observers kept here (where hooks and the policy are) and fed what the host's observers
 * see. A host that goes away takes its agents with it: they are told exited with the reason, and
 * the next command starts a new host.
 */
export class HostClient implements SessionHostPort {
  private connection: Promise<Connection> | undefined;
  /** The connection once it is open: what is sent over it goes at once, in the order it is sent. */
  private live: Connection | undefined;
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private readonly listeners: Listeners<HostEvent>;
  private readonly stateListeners: Listeners<StateReport>;
  private readonly observers = new Map<string, TerminalObserver>();
  /** Sessions whose program runs in the host, as far as this side knows. */
  private readonly running = new Set<string>();
  private disposed = false;

  constructor(private readonly options: HostClientOptions) {
    const failed = (error: unknown) => options.log.error('a listener of the session host failed', error);
    this.listeners = new Listeners(failed);
    this.stateListeners = new Listeners(failed);
  }

  /** Whether this side is connected to a host, or connecting to one. */
  hasConnection(): boolean {
    return this.connection !== undefined;
  }

  /** The host's sessions once connected: those of a host that outlived the last core included. */
  async sessions(): Promise<HostSessionInfo[]> {
    return this.send({ type: 'list' });
  }

  onEvent(listener: (event: HostEvent) => void): Disposable {
    return this.listeners.add(listener);
  }

  onState(listener: (report: StateReport) => void): Disposable {
    return this.stateListeners.add(listener);
  }

  async send<C extends HostCommand>(command: C): Promise<HostReplies[C['type']]> {
    if (command.type !== 'spawn') {
      const reply = this.request({ t: 'call', id: 0, command });
      // Told once the key is on its way: the observer is not what a typist waits for.
      if (command.type === 'input') this.observers.get(command.sessionId)?.onInput(command.data);
      return (await reply) as HostReplies[C['type']];
    }
    // Watching from before the program starts: its first output and title are not missed.
    const previous = this.observers.get(command.sessionId);
    const observer = this.watch(command.sessionId, command.launch);
    try {
      const reply = (await this.request({ t: 'call', id: 0, command })) as HostReplies['spawn'];
      previous?.dispose();
      this.running.add(command.sessionId);
      return reply as HostReplies[C['type']];
    } catch (error) {
      observer.dispose();
      if (previous) this.observers.set(command.sessionId, previous);
      else this.observers.delete(command.sessionId);
      throw error;
    }
  }

  post(command: PostedCommand): void {
    if (this.disposed) throw new SwitchyardError('UNAVAILABLE', 'the session host is disconnected');
    if (command.type === 'input') {
      const { sessionId } = command;
      if (!this.running.has(sessionId)) throw new SwitchyardError('SESSION_NOT_RUNNING', `session ${sessionId} is not running`, { sessionId });
    }
    const message: ClientMessage = { t: 'post', command };
    if (this.live) this.live.link.send(message);
    else {
      // Connecting: sent once connected, after what was sent before; with no host to reach there is nobody to tell.
      this.connected().then(
        ({ link }) => link.send(message),
        () => {},
      );
    }
    // Told once the key is on its way, as in send.
    if (command.type === 'input') this.observers.get(command.sessionId)?.onInput(command.data);
  }

  /** A request about the host itself (status, shutdown, the transcript written). */
  async control<T = unknown>(control: HostControl): Promise<T> {
    return (await this.request({ t: 'control', id: 0, control })) as T;
  }

  private async request(message: Extract<ClientMessage, { t: 'call' | 'control' }>): Promise<unknown> {
    if (this.disposed) throw new SwitchyardError('UNAVAILABLE', 'the session host is disconnected');
    const { link } = this.live ?? (await this.connected());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      link.send({ ...message, id });
    });
  }

  private connected(): Promise<Connection> {
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  private async open(): Promise<Connection> {
    const link = await this.options.connect();
    const status = await new Promise<HostStatus>((resolve, reject) => {
      let welcomed = false;
      // A host that accepts the connection but never answers (stopped, hung) is not waited for.
      const unanswered = setTimeout(() => {
        reject(new SwitchyardError('UNAVAILABLE', `the session host did not answer within ${HOST_HEARTBEAT_TIMEOUT_MS / 1000} s`));
        link.close();
      }, HOST_HEARTBEAT_TIMEOUT_MS);
      unanswered.unref?.();
      link.onMessage((message) => {
        if (!welcomed && (message.t === 'welcome' || message.t === 'refused')) clearTimeout(unanswered);
        if (welcomed) return this.receive(message);
        if (message.t === 'welcome') {
          welcomed = true;
          if (message.version === HOST_PROTOCOL_VERSION) return resolve(message.status);
          reject(this.otherVersion(link, message.status));
        } else if (message.t === 'refused') {
          reject(new SwitchyardError('UNAUTHORIZED', `the session host refused this app: ${message.reason}`));
        }
      });
      link.onClose(() => {
        clearTimeout(unanswered);
        if (!welcomed) reject(new SwitchyardError('UNAVAILABLE', 'the session host closed the connection'));
      });
      link.send({ t: 'hello', version: HOST_PROTOCOL_VERSION, secret: this.options.secret });
    });
    let silent = false;
    const connection: Connection = {
      link,
      status,
      heartbeat: heartbeat(link, () => {
        silent = true;
        this.options.log.error(`the session host (pid ${status.pid}) said nothing for ${HOST_HEARTBEAT_TIMEOUT_MS / 1000} s: ending it`);
        try {
          this.options.onSilent?.(status);
        } finally {
          link.close();
        }
      }),
    };
    link.onMessage(() => connection.heartbeat.heard());
    link.onClose(() => this.lost(connection, silent ? HOST_SILENT_DETAIL : HOST_LOST_DETAIL));
    await this.adopt(link);
    if (!this.disposed && this.connection) this.live = connection;
    return connection;
  }

  /** A host of another version: asked to end once its sessions have, and said so. */
  private otherVersion(link: HostClientLink, status: HostStatus): SwitchyardError {
    link.send({ t: 'control', id: 0, control: { op: 'shutdown', stopAll: false } });
    link.close();
    return new SwitchyardError(
      'CONFLICT',
      `the session host running (pid ${status.pid}) speaks version ${status.version} of its protocol and this app ${HOST_PROTOCOL_VERSION}: it is restarted once its ${status.running} running session(s) end, or stop them with \`switchyard daemon stop --all\``,
      { hostVersion: status.version, version: HOST_PROTOCOL_VERSION, running: status.running },
    );
  }

  /** Sessions the host ran before this core connected: watched again, as if started here. */
  private async adopt(link: HostClientLink): Promise<void> {
    const id = this.nextId++;
    const sessions = await new Promise<HostSessionInfo[]>((resolve, reject) => {
      this.calls.set(id, { resolve: (value) => resolve(value as HostSessionInfo[]), reject });
      link.send({ t: 'call', id, command: { type: 'list' } });
    });
    for (const session of sessions) {
      if (!session.running || !session.launch || this.running.has(session.sessionId)) continue;
      this.watch(session.sessionId, session.launch);
      this.running.add(session.sessionId);
    }
  }

  private watch(sessionId: string, launch: NonNullable<HostSessionInfo['launch']>): TerminalObserver {
    const observer = this.options.createObserver({ sessionId, launch }, (change) => this.stateListeners.tell({ sessionId, change }));
    this.observers.set(sessionId, observer);
    return observer;
  }

  private receive(message: ServerMessage): void {
    switch (message.t) {
      case 'reply': {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        if (message.ok) call?.resolve(message.value);
        else call?.reject(new SwitchyardError(message.error.code, message.error.message, message.error.details));
        return;
      }
      case 'event': {
        const { event } = message;
        if (event.type === 'exited') this.running.delete(event.sessionId);
        this.listeners.tell(event);
        // After the panes have it: the observer is not what a typist waits for.
        if (event.type === 'output') this.observers.get(event.sessionId)?.onOutput(event.data);
        return;
      }
      case 'state':
        return this.stateListeners.tell(message.report);
      case 'observe':
        return this.observed(message.sessionId, message.call);
      default:
        return;
    }
  }

  private observed(sessionId: string, call: Extract<ServerMessage, { t: 'observe' }>['call']): void {
    const observer = this.observers.get(sessionId);
    if (!observer) return;
    if (call.what === 'title') observer.onTitle(call.title);
    else if (call.what === 'screen') observer.onScreen(call.lines);
    else if (call.what === 'exit') observer.onExit(call.exitCode, call.signal);
    else {
      this.observers.delete(sessionId);
      observer.dispose();
    }
  }

  /** The host went away: every call fails, every session it ran is told exited, and the next command starts another host. */
  private lost(connection: Connection, detail: string): void {
    connection.heartbeat.stop();
    this.connection = undefined;
    if (this.live === connection) this.live = undefined;
    for (const call of this.calls.values()) call.reject(new SwitchyardError('UNAVAILABLE', detail));
    this.calls.clear();
    if (this.disposed) return;
    const at = Date.now();
    for (const sessionId of [...this.running]) {
      this.running.delete(sessionId);
      const observer = this.observers.get(sessionId);
      this.observers.delete(sessionId);
      observer?.dispose();
      this.stateListeners.tell({ sessionId, change: { state: 'exited', source: 'host', at, detail } });
      this.listeners.tell({ type: 'exited', sessionId, exitCode: -1, signal: null, at, hostLost: true });
    }
    this.options.log.error(`${detail}; starting another`);
    void this.connected().catch((error: unknown) => this.options.log.error('the session host could not be started again', error));
  }

  /** Leaves the agents running in the host, or stops them all (as the user chose for quitting), and disconnects. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    const pending = this.connection;
    if (pending) {
      const connection = await pending.catch(() => undefined);
      if (connection && this.options.onQuit() === 'stop') {
        await this.control({ op: 'shutdown', stopAll: true }).catch((error: unknown) => this.options.log.error('stopping the session host failed', error));
      }
      this.disposed = true;
      for (const observer of this.observers.values()) observer.dispose();
      this.observers.clear();
      connection?.link.close();
    }
    this.disposed = true;
    this.listeners.clear();
    this.stateListeners.clear();
  }
}
