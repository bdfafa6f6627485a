import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Project } from '../../shared/contract';
import type { Core } from '../core/app';
import { resolveDataDir } from '../core/dataDir';
import { inspectRepository } from '../core/git/repository';
import { consoleLogger } from '../core/log';
import { claimControlSocket, connectControl } from '../server/controlSocket';
import { remoteAccess } from './coreAccess';
import { parseDuration } from './duration';
import { remoteRunCommand, runCommand, type RunFlags } from './runCommand';
import { openCore } from './serveCommand';
import { failure } from './withCore';

/** The project of a repository, read from a core this process holds. */
async function findProject(core: Core, path: string): Promise<Project | null> {
  const root = await realpath((await inspectRepository(resolve(path))).root);
  return core.projects.list().find((p) => p.path === root) ?? null;
}

/** The cores a run goes on in rather than beside: the ones that stay (a run's or a command's own core ends with it). */
const FOLLOWED_ROLES: ReadonlySet<string> = new Set(['app', 'serve']);

export function parseMax(value: string): number {
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1 || max > 64) throw new InvalidArgumentError('--max is 1–64');
  return max;
}

export function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (typeof ms === 'string') throw new InvalidArgumentError(ms);
  return ms;
}

/**
 * `switchyard run`: goes on in the app or serve running for the data folder, followed from here;
 * else runs a core of its own that holds the data folder's control socket while it lasts.
 */
export async function runFromCli(flags: Omit<RunFlags, 'project'> & { project?: string }): Promise<void> {
  const dataDir = resolveDataDir({ explicit: flags.dataDir });
  const runFlags: RunFlags = { ...flags, project: flags.project ?? process.cwd() };
  const print = (line: string) => console.log(line);
  // With an app or serve running for the data folder, the run goes on in it, followed from here.
  const remote = await connectControl(dataDir).catch((e: unknown) => Promise.reject(failure(e)));
  if (remote && FOLLOWED_ROLES.has(remote.hello.role)) {
    const access = remoteAccess(remote);
    try {
      process.exitCode = await remoteRunCommand(runFlags, access, print, (line) => console.error(line)).catch((e: unknown) => Promise.reject(failure(e)));
    } finally {
      await access.close();
    }
    return;
  }
  remote?.close();
  // Else a run is a core of its own, with its own scheduler: it holds the data folder's control
  // socket (another run, or a command's own core, is named, and this run does not start beside it).
  const control = await claimControlSocket(dataDir, 'run', consoleLogger()).catch((e: unknown) => Promise.reject(failure(e)));
  try {
    process.exitCode = await runCommand(runFlags, {
      openCore: () => {
        const core = openCore(dataDir, 'browser');
        control.serve(core);
        return core;
      },
      findProject: (core, path) => findProject(core, path).catch((e: unknown) => Promise.reject(failure(e))),
      print,
    });
  } finally {
    await control.close();
  }
}
