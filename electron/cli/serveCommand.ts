import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { createCore, type Core } from '../core/app';
import { appRoot } from '../core/appRoot';
import { resolveDataDir } from '../core/dataDir';
import { MigrationError } from '../core/db/client';
import { sqliteBuilds } from '../core/db/nativeBuilds';
import { electronAvailability } from '../core/doctor/electronAvailability';
import { chooseStartMode } from '../core/doctor/startMode';
import { consoleLogger } from '../core/log';
import { claimControlSocket } from '../server/controlSocket';
import { startServer } from '../server/http';
import { guardProcess } from '../server/processGuard';
import { browserToken } from '../server/tokenStore';

/** The port browser mode listens on unless told otherwise. */
export const DEFAULT_SERVE_PORT = 7821;

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is 0–65535');
  return port;
}

function rendererDir(): string {
  const dir = join(appRoot(), 'dist', 'renderer');
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`the renderer is not built (${dir} has no index.html): run \`npm run build\``);
  }
  return dir;
}

export function openCore(dataDir: string, mode: 'desktop' | 'browser'): Core {
  try {
    return createCore({ dataDir, mode, sessionHost: 'process' });
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(error.message);
      process.exit(3);
    }
    throw error;
  }
}

export interface ServeFlags {
  host: string;
  port: number;
  dataDir?: string;
  newToken?: boolean;
}

export async function serve(flags: ServeFlags): Promise<void> {
  const dataDir = resolveDataDir({ explicit: flags.dataDir });
  const staticDir = rendererDir();
  const log = consoleLogger();
  // One core per data folder: claimed before the database is opened.
  const control = await claimControlSocket(dataDir, 'serve', log);
  // From here on a bug is logged, not fatal: the agents this process runs would die with it.
  const guard = guardProcess(log);
  const core = openCore(dataDir, 'browser');
  control.serve(core);
  const token = browserToken(dataDir, { rotate: flags.newToken === true });
  let server;
  try {
    server = await startServer({ core, staticDir, host: flags.host, port: flags.port, token, log });
  } catch (error) {
    await control.close();
    await core.dispose();
    guard.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${flags.port} is in use: pass --port with another number (0 picks a free one)`);
    throw error;
  }
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(flags.host);
  if (!loopback) console.warn(`warning: listening on ${flags.host}, reachable from other machines; the token is the only lock.`);
  console.log(`Switchyard is running in browser mode: ${server.loginUrl}`);
  console.log(`data: ${dataDir} · stop with Ctrl-C`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await control.close();
    await core.dispose();
    guard.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** `switchyard start`: the desktop app where Electron can run, else browser mode, saying why. */
export async function startApp(flags: { port: number; dataDir?: string }): Promise<void> {
  const start = chooseStartMode(await electronAvailability(), sqliteBuilds());
  if (start.mode === 'desktop') {
    const args = [join(appRoot(), 'dist', 'node', 'main.js')];
    if (flags.dataDir) args.push(`--data-dir=${flags.dataDir}`);
    const child = spawn(start.binary, args, { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(`Electron cannot run here (${start.reason}); starting browser mode.`);
  await serve({ host: '127.0.0.1', port: flags.port, ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
}
