import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_MESSAGE_BYTES } from '../../shared/constants';
import { SwitchyardError } from '../../shared/errors';
import type { ClientMessage, ServerMessage } from '../../shared/protocol';
import type { Core } from '../core/app';
import type { Logger } from '../core/log';
import { runChannel, type RunChannel } from './controlSocketRun';
import { writePrivateFile } from '../core/privateFile';

/**
 * The control socket: every running core (the desktop app, `serve`, a headless `run`, a CLI
 * command's own core) listens on a Unix domain socket for its data folder, and speaks the same
 * envelope as the WebSocket over it, one JSON message a line. It is also the lock that keeps one
 * core per data folder: a second one finds the first listening and says which process owns it.
 *
 * Who may connect: the socket is 0600, and a client's first line must carry the secret kept in
 * the data folder's control-secret file (0600). Node offers no way to read a Unix socket peer's
 * uid (SO_PEERCRED), and not every system enforces a socket file's mode on connect, so the secret
 * is the lock that holds everywhere; the modes keep other users from even trying.
 */

/** Version of the handshake; a client and a core of different versions refuse each other. */
export const CONTROL_VERSION = 1;

/** The file whose content a client proves it could read. */
export const CONTROL_SECRET_FILE = 'control-secret';

/** Longest Unix socket path the platforms accept is 104 (macOS) to 108 (Linux) bytes, with its NUL. */
const MAX_SOCKET_PATH = 100;

/** How long a client waits for a core to answer its hello before it counts it as gone (ms). */
const HELLO_TIMEOUT_MS = 5_000;

const PRIVATE = 0o600;

/** Where the control socket of a data folder is: inside it when the path is short enough, else in a private folder of the temp dir. */
export function controlSocketPath(dataDir: string): string {
  const inside = join(dataDir, 'control.sock');
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  const dir = join(tmpdir(), `switchyard-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return join(dir, `${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}.sock`);
}

function readSecret(dataDir: string): string | null {
  try {
    return readFileSync(join(dataDir, CONTROL_SECRET_FILE), 'utf8').trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The data folder's control secret, made (0600, written whole) when it has none. */
function ensureSecret(dataDir: string): string {
  const kept = readSecret(dataDir);
  if (kept !== null) {
    chmodSync(join(dataDir, CONTROL_SECRET_FILE), PRIVATE);
    return kept;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  const file = join(dataDir, CONTROL_SECRET_FILE);
  writePrivateFile(file, `${secret}\n`);
  return secret;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** What a core says of itself once a client is let in. */
export interface ControlHello {
  version: number;
  pid: number;
  /** What runs the core: `app`, `serve`, `run` or `cli`. */
  role: string;
  dataDir: string;
}

type HelloReply = { ok: true; hello: ControlHello } | { ok: false; code: string; message: string };

/** Splits a stream into lines of JSON; a line longer than the largest message closes the socket. */
function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line !== '') onLine(line);
      if (socket.destroyed) return;
      newline = buffered.indexOf('\n');
    }
    if (buffered.length > MAX_MESSAGE_BYTES) socket.destroy();
  });
}

function writeLine(socket: Socket, value: unknown): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(value)}\n`);
}

export interface ControlServer {
  readonly path: string;
  /** Starts answering clients with this core (until then, a client is told the core is starting). */
  serve(core: Core): void;
  close(): Promise<void>;
}

/**
 * Claims the data folder's control socket before the core opens the database: throws CONFLICT,
 * naming the owner's pid, when another core already answers on it. A socket file left by a core
 * that died is removed and claimed.
 */
export async function claimControlSocket(dataDir: string, role: string, log: Logger): Promise<ControlServer> {
  const path = controlSocketPath(dataDir);
  const secret = ensureSecret(dataDir);
  let core: Core | null = null;
  const sockets = new Set<Socket>();
  const hello: ControlHello = { version: CONTROL_VERSION, pid: process.pid, role, dataDir };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
    let connection: ReturnType<Core['connect']> | null = null;
    // A headless run asked for by this client (`switchyard run` beside the app): ends when it goes.
    let runs: RunChannel | null = null;
    socket.on('close', () => {
      runs?.close();
      connection?.dispose();
    });
    const refuse = (code: string, message: string) => {
      writeLine(socket, { ok: false, code, message } satisfies HelloReply);
      socket.end();
    };
    readLines(socket, (line) => {
      if (connection) {
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch {
          // Not JSON: the connection answers it with BAD_INPUT.
          void connection.receiveText(line).catch((error: unknown) => log.error('control message failed', error));
          return;
        }
        if (runs?.receive(raw)) return;
        void connection.receive(raw).catch((error: unknown) => log.error('control message failed', error));
        return;
      }
      let first: { version?: unknown; secret?: unknown };
      try {
        first = JSON.parse(line) as typeof first;
      } catch {
        return refuse('BAD_INPUT', 'the first line must be a hello: {"version", "secret"}');
      }
      if (typeof first.secret !== 'string' || !sameSecret(first.secret, secret)) return refuse('UNAUTHORIZED', 'wrong control secret');
      if (first.version !== CONTROL_VERSION) {
        return refuse('CONFLICT', `this core speaks control version ${CONTROL_VERSION}, the client ${String(first.version)}`);
      }
      if (!core) return refuse('UNAVAILABLE', `the core (pid ${process.pid}) is still starting`);
      writeLine(socket, { ok: true, hello } satisfies HelloReply);
      const send = (message: ServerMessage) => writeLine(socket, message);
      connection = core.connect(send);
      runs = runChannel(core, send, log);
    });
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(path, () => {
        server.off('error', onError);
        resolve();
      });
    });
  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const owner = await reachControl(path, secret);
    if (owner.kind === 'core') {
      throw new SwitchyardError(
        'CONFLICT',
        `Switchyard already runs for the data folder ${dataDir} (pid ${owner.hello.pid}, ${owner.hello.role}): stop it first, or pass another --data-dir`,
        { pid: owner.hello.pid, role: owner.hello.role },
      );
    }
    if (owner.kind === 'refused') {
      throw new SwitchyardError('CONFLICT', `the control socket ${path} belongs to a core that refused this one: ${owner.message}`);
    }
    // Nobody answers: a core that died left its socket file.
    unlinkSync(path);
    await listen();
  }
  chmodSync(path, PRIVATE);
  server.on('error', (error) => log.error('control socket failed', error));

  return {
    path,
    serve(started) {
      core = started;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

type Reach =
  | { kind: 'core'; hello: ControlHello; socket: Socket; follow: (onLine: (line: string) => void) => void }
  | { kind: 'none' }
  | { kind: 'refused'; code: string; message: string };

/** Connects and says hello: the core that answers, nobody (no socket, or a dead one), or a refusal. */
function reachControl(path: string, secret: string, keep = false): Promise<Reach> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    let settled = false;
    const done = (result: Reach) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.kind !== 'core' || !keep) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ kind: 'none' }), HELLO_TIMEOUT_MS);
    socket.on('error', () => done({ kind: 'none' }));
    socket.on('close', () => done({ kind: 'none' }));
    socket.on('connect', () => writeLine(socket, { version: CONTROL_VERSION, secret }));
    // The lines after the hello's answer: held until the caller follows them.
    const held: string[] = [];
    let next: ((line: string) => void) | null = null;
    const follow = (onLine: (line: string) => void) => {
      next = onLine;
      for (const line of held.splice(0)) onLine(line);
    };
    let answered = false;
    readLines(socket, (line) => {
      if (answered) {
        if (next) next(line);
        else held.push(line);
        return;
      }
      answered = true;
      try {
        const reply = JSON.parse(line) as HelloReply;
        done(reply.ok ? { kind: 'core', hello: reply.hello, socket, follow } : { kind: 'refused', code: reply.code, message: reply.message });
      } catch {
        done({ kind: 'refused', code: 'BAD_INPUT', message: 'the core answered with something that is not JSON' });
      }
    });
  });
}

/** A client of a running core, over its control socket. */
export interface ControlClient {
  readonly hello: ControlHello;
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  onClose(listener: () => void): () => void;
  close(): void;
}

/**
 * The core running for this data folder, or null when none is. A core that refuses this client
 * (wrong secret, another version, still starting) is an error, not a reason to open a second one.
 */
export async function connectControl(dataDir: string): Promise<ControlClient | null> {
  const secret = readSecret(dataDir);
  if (secret === null) return null;
  const reached = await reachControl(controlSocketPath(dataDir), secret, true);
  if (reached.kind === 'none') return null;
  if (reached.kind === 'refused') {
    throw new SwitchyardError(reached.code === 'UNAUTHORIZED' ? 'UNAUTHORIZED' : 'UNAVAILABLE', `the running core refused this command: ${reached.message}`);
  }
  const { socket, hello } = reached;
  const messageListeners = new Set<(message: ServerMessage) => void>();
  const closeListeners = new Set<() => void>();
  const deliver = (line: string) => {
    const message = JSON.parse(line) as ServerMessage;
    for (const listener of messageListeners) listener(message);
  };
  socket.on('close', () => {
    for (const listener of closeListeners) listener();
  });
  reached.follow(deliver);
  return {
    hello,
    send: (message) => writeLine(socket, message),
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close: () => socket.end(),
  };
}
