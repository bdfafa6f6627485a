import { createHash, timingSafeEqual } from 'node:crypto';
import { SwitchyardError, type ErrorData } from '../../../shared/errors';
import type { Logger } from '../log';
import type { HostCommand } from './hostProtocol';
import { heartbeat, HOST_PROTOCOL_VERSION, memoryLinkPair } from './hostWire';
import type { ClientMessage, Heartbeat, HostControl, HostLink, HostStatus, ObserverCall, ServerMessage } from './hostWire';
import { SessionHost, type SessionHostOptions } from './sessionHost';

/** Where the host records output when it runs apart from the core (a TranscriptStore on its own connection). */
export interface TranscriptSink {
  append(sessionId: string, seq: number, data: string): void;
  flush(): void;
  settled(): Promise<void>;
  dispose(): Promise<void>;
}

export interface HostServerOptions {
  secret: string;
  log: Logger;
  /** Records every session's output here, whether a core listens or not. */
  transcript?: TranscriptSink;
  host?: Omit<SessionHostOptions, 'createObserver' | 'log'>;
  /** Nothing is left to do: no core is connected and no session runs (or a shutdown ended them). */
  onIdle?: () => void;
  /** The protocol version it speaks: this build's unless told (a host of an older build, in tests). */
  version?: number;
}

/** One core (or CLI) connected to the host. */
interface Peer {
  link: HostLink<ClientMessage, ServerMessage>;
  /** Said hello with the right secret. */
  trusted: boolean;
  /** Speaks this host's version: only then does it get sessions' commands and events. */
  current: boolean;
  /** The panes it attached, `sessionId` → client ids: detached when it goes. */
  attached: Map<string, Set<string>>;
  heartbeat: Heartbeat;
}

const digestOf = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * The session host's side of the wire: a SessionHost, served to the cores that connect with the
 * secret. What the host's observers are told goes to the core's observers (they read agents'
 * state where the hooks and the policy are); output goes to the transcript here first, so that
 * nothing printed while no core listens is missing from it.
 */
export class HostServer {
  readonly host: SessionHost;
  private readonly peers = new Set<Peer>();
  private readonly secret: Buffer;
  private readonly startedAt = Date.now();
  private retiring = false;
  private ended = false;
  private stopped: Promise<void> | undefined;
  private readonly version: number;

  constructor(private readonly options: HostServerOptions) {
    this.secret = digestOf(options.secret);
    this.version = options.version ?? HOST_PROTOCOL_VERSION;
    this.host = new SessionHost({
      ...options.host,
      log: options.log,
      createObserver: ({ sessionId }) => ({
        // The core feeds its observer the output events it receives and the keys it sends.
        onOutput: () => {},
        onInput: () => {},
        onTitle: (title) => this.observe(sessionId, { what: 'title', title }),
        onScreen: (lines) => this.observe(sessionId, { what: 'screen', lines }),
        onExit: (exitCode, signal) => this.observe(sessionId, { what: 'exit', exitCode, signal }),
        dispose: () => this.observe(sessionId, { what: 'dispose' }),
      }),
    });
    const { transcript } = options;
    // Recorded before it is told: a core that asks for the transcript after an event finds it there.
    this.host.onEvent((event) => {
      if (event.type === 'output') transcript?.append(event.sessionId, event.seq, event.data);
      if (event.type === 'exited') transcript?.flush();
      this.broadcast({ t: 'event', event });
      if (event.type === 'exited') void this.checkIdle();
    });
    this.host.onState((report) => this.broadcast({ t: 'state', report }));
  }

  /** Serves one connection, once it has said hello with the secret. */
  accept(link: HostLink<ClientMessage, ServerMessage>): void {
    const peer: Peer = {
      link,
      trusted: false,
      current: false,
      attached: new Map(),
      heartbeat: heartbeat(link, () => link.close(), () => peer.trusted),
    };
    link.onMessage((message) => this.receive(peer, message));
    link.onClose(() => this.leave(peer));
  }

  status(): HostStatus {
    const sessions = this.host.sessionCount();
    return { version: this.version, pid: process.pid, startedAt: this.startedAt, running: sessions.running, sessions: sessions.all, retiring: this.retiring };
  }

  private receive(peer: Peer, message: ClientMessage): void {
    peer.heartbeat.heard();
    if (!peer.trusted) {
      if (message.t !== 'hello' || typeof message.secret !== 'string' || !timingSafeEqual(digestOf(message.secret), this.secret)) {
        peer.link.send({ t: 'refused', reason: 'wrong secret' });
        return peer.link.close();
      }
      peer.trusted = true;
      (peer.link as { trust?: () => void }).trust?.();
      peer.current = message.version === this.version;
      if (peer.current) this.peers.add(peer);
      peer.link.send({ t: 'welcome', version: this.version, status: this.status() });
      return;
    }
    if (message.t === 'post') {
      if (peer.current) this.host.post(message.command);
    } else if (message.t === 'call') void this.call(peer, message.id, message.command);
    else if (message.t === 'control') void this.control(peer, message.id, message.control);
  }

  private async call(peer: Peer, id: number, command: HostCommand): Promise<void> {
    if (!peer.current) return this.fail(peer, id, new SwitchyardError('CONFLICT', 'the session host speaks another version'));
    try {
      const value = await this.host.send(command);
      if (command.type === 'attach') {
        const clients = peer.attached.get(command.sessionId) ?? new Set();
        peer.attached.set(command.sessionId, clients.add(command.clientId));
      } else if (command.type === 'detach') {
        peer.attached.get(command.sessionId)?.delete(command.clientId);
      }
      peer.link.send({ t: 'reply', id, ok: true, value });
    } catch (error) {
      this.fail(peer, id, error);
    }
  }

  private async control(peer: Peer, id: number, control: HostControl): Promise<void> {
    try {
      let value: unknown = null;
      if (control.op === 'status') value = this.status();
      else if (control.op === 'settleTranscript') await this.options.transcript?.settled();
      else if (control.stopAll) await this.stopAll();
      else this.retiring = true;
      peer.link.send({ t: 'reply', id, ok: true, value });
      await this.checkIdle();
    } catch (error) {
      this.fail(peer, id, error);
    }
  }

  private fail(peer: Peer, id: number, error: unknown): void {
    const data: ErrorData =
      error instanceof SwitchyardError ? error.toData() : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    if (!(error instanceof SwitchyardError)) this.options.log.error('a command to the session host failed', error);
    peer.link.send({ t: 'reply', id, ok: false, error: data });
  }

  private leave(peer: Peer): void {
    peer.heartbeat.stop();
    this.peers.delete(peer);
    // Its panes are gone: their unacknowledged output must not hold the agents back.
    for (const [sessionId, clients] of peer.attached) {
      for (const clientId of clients) void this.host.send({ type: 'detach', sessionId, clientId }).catch(() => {});
    }
    void this.checkIdle();
  }

  private broadcast(message: ServerMessage): void {
    for (const peer of this.peers) peer.link.send(message);
  }

  private observe(sessionId: string, call: ObserverCall): void {
    this.broadcast({ t: 'observe', sessionId, call });
  }

  /** Ends the host when nobody needs it: no core connected and nothing running, or retiring and nothing running. */
  private async checkIdle(): Promise<void> {
    if (this.ended) return;
    const { running } = this.host.sessionCount();
    if (!this.stopped && (running > 0 || (this.peers.size > 0 && !this.retiring))) return;
    this.ended = true;
    await this.stopAll();
    this.options.onIdle?.();
  }

  /** Stops every session (SIGTERM, then SIGKILL) and writes what is pending, once. */
  private stopAll(): Promise<void> {
    this.stopped ??= (async () => {
      await this.host.dispose();
      await this.options.transcript?.dispose();
    })();
    return this.stopped;
  }

  /** Closes every connection and ends the host. */
  async dispose(): Promise<void> {
    for (const peer of [...this.peers]) peer.link.close();
    await this.stopAll();
  }
}

/**
 * A host in this process, reached over the same wire as one in its own (for tests, where nothing
 * outlives the core): each connection is a pair of in-memory ends.
 */
export function inProcessHost(secret: string, log: Logger): () => Promise<HostLink<ServerMessage, ClientMessage>> {
  const server = new HostServer({ secret, log });
  return () => {
    const [client, end] = memoryLinkPair();
    server.accept(end);
    return Promise.resolve(client);
  };
}
