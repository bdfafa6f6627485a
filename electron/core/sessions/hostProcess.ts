import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { databaseFile } from '../dataDir';
import { BUSY_TIMEOUT_MS } from '../db/client';
import { sqliteBinding } from '../db/nativeBuilds';
import * as schema from '../db/schema';
import { StorageHealth } from '../db/storageHealth';
import { consoleLogger } from '../log';
import { HostServer } from './hostServer';
import { hostPaths } from './hostSupervisor';
import type { ClientMessage, ServerMessage } from './hostWire';
import { socketLink } from './socketLink';
import { TranscriptStore } from './transcriptStore';

/** How long the host lets its last replies go out before it exits (ms). */
const HOST_EXIT_GRACE_MS = 500;

export interface HostProcessOptions {
  /** The protocol version it speaks (see HostServerOptions.version). */
  version?: number;
}

/**
 * Runs this process as the session host of one data folder: it holds the ptys, their mirrors and
 * the transcript writer, serves the cores that connect with the secret, and exits once no core is
 * connected and no agent runs. Resolves with its server once it listens, or null when another
 * host answers on the socket already (this process then exits).
 */
export async function runHostProcess(dataDir: string, options: HostProcessOptions = {}): Promise<HostServer | null> {
  const log = consoleLogger('switchyard-host');
  const paths = hostPaths(dataDir);
  const secret = readFileSync(paths.secret, 'utf8').trim();

  // A bug here is logged, not fatal: the agents this process holds would die with it.
  process.on('uncaughtException', (error) => log.error('uncaught exception in the session host', error));
  process.on('unhandledRejection', (error) => log.error('unhandled rejection in the session host', error));

  const taken = await new Promise<boolean>((resolve) => {
    const probe = createConnection(paths.socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (taken) process.exit(0);

  const file = databaseFile(dataDir);
  const sqlite = new Database(file, { nativeBinding: sqliteBinding() });
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const transcript = new TranscriptStore(drizzle(sqlite, { schema }), file, log, new StorageHealth((status) => log.info(`storage: ${JSON.stringify(status)}`)));

  const net = createServer((socket) => host.accept(socketLink<ClientMessage, ServerMessage>(socket, true)));
  const host: HostServer = new HostServer({
    secret,
    log,
    transcript,
    ...(options.version !== undefined ? { version: options.version } : {}),
    onIdle: () => {
      net.close();
      rmSync(paths.socket, { force: true });
      sqlite.close();
      setTimeout(() => process.exit(0), HOST_EXIT_GRACE_MS);
    },
  });
  process.on('SIGTERM', () => void host.dispose().then(() => process.exit(0)));

  rmSync(paths.socket, { force: true });
  // Made readable and writable by the user only from the start: nobody else may even connect.
  const umask = process.umask(0o177);
  const listening = new Promise<void>((resolve) => net.listen(paths.socket, resolve));
  process.umask(umask);
  await listening;
  log.info(`session host ${process.pid} listening on ${paths.socket}`);
  return host;
}
