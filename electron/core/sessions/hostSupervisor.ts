import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../appRoot';
import type { HostClientLink } from './hostClient';
import type { ClientMessage, HostStatus, ServerMessage } from './hostWire';
import { HOST_PROTOCOL_VERSION } from './hostWire';
import { socketLink } from './socketLink';

/** The longest socket path used as is: the kernel's limit is 107 bytes (sun_path), less on macOS. */
const SOCKET_PATH_MAX_BYTES = 100;

/** Random bytes of the host's secret. */
const SECRET_BYTES = 32;

/** How often a core that started a host tries its socket until it answers (ms). */
export const HOST_START_POLL_MS = 25;

/** How long a started host has to open its socket (ms). */
export const HOST_START_TIMEOUT_MS = 15_000;

export interface HostPaths {
  /** The host's socket (0600). */
  socket: string;
  /** The secret a core proves itself with (0600). */
  secret: string;
  /** What the host logs. */
  log: string;
}

/**
 * Where the host of a data folder listens: in the data folder, unless that path is too long for a
 * socket; then in a folder of the user's own under the runtime directory, named by the data folder.
 */
export function hostPaths(dataDir: string): HostPaths {
  let socket = join(dataDir, 'host.sock');
  if (Buffer.byteLength(socket) > SOCKET_PATH_MAX_BYTES) {
    const dir = join(process.env.XDG_RUNTIME_DIR ?? tmpdir(), `switchyard-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    socket = join(dir, `${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
  }
  return { socket, secret: join(dataDir, 'host.secret'), log: join(dataDir, 'host.log') };
}

/** The host's secret, made (readable by the user only) the first time. */
export function hostSecret(paths: HostPaths): string {
  if (!existsSync(paths.secret)) {
    try {
      writeFileSync(paths.secret, randomBytes(SECRET_BYTES).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another core made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(paths.secret, 0o600);
  return readFileSync(paths.secret, 'utf8').trim();
}

/** Connects to the socket, or resolves null when nobody listens there. */
function dial(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null));
  });
}

/** The command that runs the host: the bundle when built, else its source through tsx. */
function hostCommand(dataDir: string): { file: string; args: string[] } {
  const source = fileURLToPath(new URL('./hostMain.ts', import.meta.url));
  if (import.meta.url.endsWith('.ts')) return { file: process.execPath, args: ['--import', 'tsx', source, dataDir] };
  return { file: process.execPath, args: [join(appRoot(), 'dist', 'node', 'sessionHost.js'), dataDir] };
}

/**
 * Starts the host of a data folder in a session and process group of its own, so that it outlives
 * the core (a kill of the core, its terminal closing), writing its log beside the database.
 */
export function launchHost(dataDir: string, paths = hostPaths(dataDir)): number {
  const { file, args } = hostCommand(dataDir);
  const log = openSync(paths.log, 'a', 0o600);
  try {
    const child = spawn(file, args, {
      cwd: appRoot(),
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.unref();
    return child.pid ?? 0;
  } finally {
    closeSync(log);
  }
}

/**
 * A link to the data folder's host, starting it when none listens (a socket left by a host that
 * died is removed first).
 */
export async function connectHost(dataDir: string, options: { start: boolean } = { start: true }): Promise<HostClientLink | null> {
  const paths = hostPaths(dataDir);
  const found = await dial(paths.socket);
  if (found) return socketLink<ServerMessage, ClientMessage>(found);
  if (!options.start) return null;
  rmSync(paths.socket, { force: true });
  launchHost(dataDir, paths);
  const deadline = Date.now() + HOST_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, HOST_START_POLL_MS));
    const socket = await dial(paths.socket);
    if (socket) return socketLink<ServerMessage, ClientMessage>(socket);
  }
  throw new Error(`the session host did not open ${paths.socket} within ${HOST_START_TIMEOUT_MS} ms (see ${paths.log})`);
}

/**
 * Ends a host process that stopped answering (SIGKILL: a stopped process gets no other signal).
 * Its agents go with their ptys, and its socket no longer accepts connections nobody answers.
 */
export function endSilentHost(pid: number): void {
  if (pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // Gone already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Whether a host answers on the data folder's socket (none is started). */
export async function hostListening(dataDir: string): Promise<boolean> {
  const socket = await dial(hostPaths(dataDir).socket);
  socket?.destroy();
  return socket !== null;
}

/** Asks the data folder's host one control request with the secret; null when no host runs. */
async function askHost<T>(dataDir: string, control: Extract<ClientMessage, { t: 'control' }>['control']): Promise<{ status: HostStatus; value: T } | null> {
  const link = await connectHost(dataDir, { start: false });
  if (!link) return null;
  const secret = hostSecret(hostPaths(dataDir));
  return new Promise((resolve, reject) => {
    let status: HostStatus | undefined;
    link.onMessage((message) => {
      if (message.t === 'welcome') {
        status = message.status;
        link.send({ t: 'control', id: 1, control });
      } else if (message.t === 'refused') {
        reject(new Error(`the session host refused: ${message.reason}`));
      } else if (message.t === 'reply' && message.id === 1 && status) {
        link.close();
        if (message.ok) resolve({ status, value: message.value as T });
        else reject(new Error(message.error.message));
      }
    });
    link.onClose(() => resolve(status ? { status, value: null as T } : null));
    link.send({ t: 'hello', version: HOST_PROTOCOL_VERSION, secret });
  });
}

/** What the host of the data folder says about itself, or null when none runs (`switchyard daemon status`). */
export async function hostStatus(dataDir: string): Promise<HostStatus | null> {
  return (await askHost<HostStatus>(dataDir, { op: 'status' }))?.value ?? null;
}

/**
 * Ends the data folder's host (`switchyard daemon stop`): with `all`, at once, stopping every
 * agent it runs; without, once its last agent has ended. Resolves with what it said before, or
 * null when none ran.
 */
export async function stopHost(dataDir: string, options: { all: boolean }): Promise<HostStatus | null> {
  return (await askHost<null>(dataDir, { op: 'shutdown', stopAll: options.all }))?.status ?? null;
}
