import type { ErrorData } from '../../../shared/errors';
import type { HostCommand, HostEvent, PostedCommand, StateReport } from './hostProtocol';

/**
 * The session host's wire: what the core and the host say to each other over the host's socket
 * (or an in-memory link in tests), around the commands and events of hostProtocol.ts. Each
 * message is one line of JSON.
 */

/** Changed whenever a message or a command changes meaning; a core and a host of different versions do not talk. */
export const HOST_PROTOCOL_VERSION = 2;

/** How often each side tells the other it is alive (ms). */
export const HOST_HEARTBEAT_MS = 2_000;

/** A side that heard nothing for this long is taken for dead and its connection closed (ms). */
export const HOST_HEARTBEAT_TIMEOUT_MS = 10_000;

/** What the host says about itself. */
export interface HostStatus {
  version: number;
  pid: number;
  startedAt: number;
  /** Sessions whose program runs. */
  running: number;
  /** Sessions it holds, running or ended. */
  sessions: number;
  /** It exits once its last session ends (a core of another version asked it to). */
  retiring: boolean;
}

/** Requests about the host itself rather than one session. */
export type HostControl =
  | { op: 'status' }
  /** Ends the host: with `stopAll` after stopping every session, else once the last one has ended. */
  | { op: 'shutdown'; stopAll: boolean }
  /** Hands what is pending for the transcript to its writer and waits until it is written. */
  | { op: 'settleTranscript' };

/** What a core (or the CLI) sends. */
export type ClientMessage =
  | { t: 'hello'; version: number; secret: string }
  | { t: 'call'; id: number; command: HostCommand }
  /** A command that gets no reply (see PostedCommand). */
  | { t: 'post'; command: PostedCommand }
  | { t: 'control'; id: number; control: HostControl }
  | { t: 'ping' };

/** What the observer of a session is told on the host, for the core's observer of it (see TerminalObserver). */
export type ObserverCall =
  | { what: 'title'; title: string }
  | { what: 'screen'; lines: string[] }
  | { what: 'exit'; exitCode: number; signal: number | null }
  | { what: 'dispose' };

/** What the host sends. */
export type ServerMessage =
  | { t: 'welcome'; version: number; status: HostStatus }
  | { t: 'refused'; reason: string }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: ErrorData }
  | { t: 'event'; event: HostEvent }
  | { t: 'state'; report: StateReport }
  | { t: 'observe'; sessionId: string; call: ObserverCall }
  | { t: 'ping' };

/** One end of a connection between the core and the host. */
export interface HostLink<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  /** Called once, whichever side closed it or when it broke. */
  onClose(listener: () => void): void;
  close(): void;
}

/** One end's watch over a link: what it last heard, and a ping every HOST_HEARTBEAT_MS. */
export interface Heartbeat {
  /** Something came from the other end. */
  heard(): void;
  stop(): void;
}

/**
 * Pings the other end every HOST_HEARTBEAT_MS (while `ping` says so), and calls `silent` once it
 * has heard nothing for HOST_HEARTBEAT_TIMEOUT_MS.
 */
export function heartbeat(link: { send(message: { t: 'ping' }): void }, silent: () => void, ping: () => boolean = () => true): Heartbeat {
  let heardAt = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - heardAt > HOST_HEARTBEAT_TIMEOUT_MS) return silent();
    if (ping()) link.send({ t: 'ping' });
  }, HOST_HEARTBEAT_MS);
  timer.unref?.();
  return {
    heard: () => {
      heardAt = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Splits a stream of text into lines of JSON, whatever the chunks. Only each new chunk is searched
 * for the end of a line (JSON escapes every newline inside a string), and the start of a long line
 * is kept in pieces until its end comes: a message of output that comes in many chunks is joined
 * once, not once per chunk.
 */
export class LineReader {
  private pieces: string[] = [];

  constructor(private readonly onLine: (value: unknown) => void) {}

  push(chunk: string): void {
    let start = 0;
    let end = chunk.indexOf('\n');
    while (end >= 0) {
      const tail = chunk.slice(start, end);
      const line = this.pieces.length > 0 ? this.pieces.join('') + tail : tail;
      this.pieces = [];
      start = end + 1;
      if (line.length > 0) this.onLine(JSON.parse(line));
      end = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.pieces.push(start === 0 ? chunk : chunk.slice(start));
  }
}

/** Two ends of a link in one process: what one sends the other receives, at once. */
export function memoryLinkPair(): [HostLink<ServerMessage, ClientMessage>, HostLink<ClientMessage, ServerMessage>] {
  const toServer = new Set<(message: ClientMessage) => void>();
  const toClient = new Set<(message: ServerMessage) => void>();
  const closers = new Set<() => void>();
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    for (const listener of [...closers]) listener();
  };
  const client: HostLink<ServerMessage, ClientMessage> = {
    send: (message) => open && toServer.forEach((listener) => listener(message)),
    onMessage: (listener) => void toClient.add(listener),
    onClose: (listener) => void closers.add(listener),
    close,
  };
  const server: HostLink<ClientMessage, ServerMessage> = {
    send: (message) => open && toClient.forEach((listener) => listener(message)),
    onMessage: (listener) => void toServer.add(listener),
    onClose: (listener) => void closers.add(listener),
    close,
  };
  return [client, server];
}
