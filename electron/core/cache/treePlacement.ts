import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PlacementStrategy } from '../../../shared/contract/cache';
import { processAlive } from './processAlive';

const run = promisify(execFile);

/** Most output kept from a failing cp (bytes): its first lines say why. */
const CP_MAX_BUFFER_BYTES = 1024 * 1024;

/**
 * cp's arguments per strategy (GNU coreutils; macOS's cp clones with -c and has no -l). Every one
 * keeps symlinks as symlinks (relative links in node_modules/.bin stay relative), modes (exec
 * bits) and times; directories are always created new, so a delete in one tree never reaches
 * another.
 */
function cpArguments(strategy: PlacementStrategy): string[] {
  if (process.platform === 'darwin') return strategy === 'clone' ? ['-c', '-pPR'] : ['-pPR'];
  if (strategy === 'clone') return ['-a', '--reflink=always'];
  if (strategy === 'hardlink') return ['-a', '-l'];
  return ['-a', '--reflink=never'];
}

/** Copies, clones or links the tree at `source` to the new path `target` (which must not exist). */
export async function placeTree(source: string, target: string, strategy: PlacementStrategy): Promise<void> {
  try {
    await run('cp', [...cpArguments(strategy), '--', source, target], { maxBuffer: CP_MAX_BUFFER_BYTES });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new PlacementError(stderr || (error instanceof Error ? error.message : String(error)));
  }
}

/** cp refused or failed; its message says why (a full disk, a permission, no reflink here). */
export class PlacementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlacementError';
  }
}

/** Marks a name as a tree being built beside its folder, followed by the owning process's id. */
const STAGING_MARK = '.switchyard-';

/**
 * A staging name (`.<name>.switchyard-<pid>-<hex>`) or one of an older run (no pid): the pid, or 0.
 * Anything else is not ours: undefined.
 */
function stagingOwner(name: string): number | undefined {
  const match = /^\..+\.switchyard-(?:(\d+)-)?[0-9a-f]{12}$/.exec(name);
  return match ? Number(match[1] ?? 0) : undefined;
}

/** A name beside `path` for a tree being built: never taken for the finished one, and naming this process. */
export function stagingPath(path: string): string {
  return join(dirname(path), `.${basename(path)}${STAGING_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Removes from `dir` the staging trees of processes that are gone (a hydration or probe that was
 * killed before its rename), and returns their paths. Those of a running process are its own.
 * A folder that cannot be read is passed over.
 */
export async function removeStagingLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const doomed = names
    .filter((name) => name.includes(STAGING_MARK))
    .filter((name) => {
      const owner = stagingOwner(name);
      return owner !== undefined && owner !== process.pid && !processAlive(owner);
    })
    .map((name) => join(dir, name));
  // A cp of the killed process may still be writing: rm retries while the folder refills.
  await Promise.all(doomed.map((path) => rm(path, { recursive: true, force: true, maxRetries: 3 })));
  return doomed;
}

/**
 * Builds a tree at a staging name beside `target`, lets `finish` work on it there, and renames it
 * into place, so `target` is either absent or whole. On failure the staging tree is removed and
 * the error rethrown.
 */
export async function placeTreeAtomically(
  source: string,
  target: string,
  strategy: PlacementStrategy,
  finish?: (staging: string) => Promise<void>,
): Promise<void> {
  const staging = stagingPath(target);
  try {
    await placeTree(source, staging, strategy);
    await finish?.(staging);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
