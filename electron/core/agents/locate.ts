import { accessSync, constants, statSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { SwitchyardError } from '../../../shared/errors';
import { findExecutable } from './binaries';

export interface LocateOptions {
  /** A configured path: when given, it is the only place looked at. */
  override?: string;
  /** The PATH to search (default: this process's PATH). */
  pathEnv?: string;
  /** Home folder for `~/` locations (default: the user's). */
  home?: string;
}

/**
 * The absolute path of an agent's executable: the configured path if there is one, else the first
 * of `names` on PATH, else the first existing `extraLocations` entry. Nothing found is an
 * AGENT_NOT_FOUND error whose details list every place looked at.
 */
export async function locateBinary(
  label: string,
  names: readonly string[],
  extraLocations: readonly string[],
  options: LocateOptions = {},
): Promise<string> {
  const looked: string[] = [];
  if (options.override !== undefined && options.override !== '') {
    const path = expandHome(options.override, options.home);
    looked.push(path);
    if (isAbsolute(path) && (await isExecutableFile(path))) return path;
    throw notFound(label, looked, `the configured path ${path} is not an executable file`);
  }
  const pathEnv = options.pathEnv ?? process.env.PATH ?? '';
  for (const name of names) {
    looked.push(`${name} on PATH`);
    const found = await findExecutable(name, pathEnv);
    if (found !== null) return found;
  }
  for (const location of extraLocations) {
    const path = expandHome(location, options.home);
    looked.push(path);
    if (await isExecutableFile(path)) return path;
  }
  throw notFound(label, looked, `${label} is not installed or not on PATH`);
}

function notFound(label: string, looked: string[], why: string): SwitchyardError {
  return new SwitchyardError('AGENT_NOT_FOUND', `Cannot start ${label}: ${why}. Looked for: ${looked.join(', ')}.`, {
    agent: label,
    looked,
  });
}

/**
 * What is wrong with a path given as an agent's program, or null when it names an executable file:
 * it must be absolute (or start with `~/`), exist, be a file and be executable by this user.
 */
export function executableProblem(path: string, home?: string): string | null {
  const full = expandHome(path.trim(), home);
  if (!isAbsolute(full)) return `${path} is not an absolute path (write it from /, or from ~/)`;
  try {
    const info = statSync(full);
    if (!info.isFile()) return `${full} is not a file`;
    accessSync(full, constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${full} does not exist`;
    if (code === 'EACCES') return `${full} is not executable`;
    return `${full} cannot be read (${code ?? String(error)})`;
  }
}

function expandHome(path: string, home = homedir()): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
