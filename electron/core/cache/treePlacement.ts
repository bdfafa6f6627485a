import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PlacementStrategy } from '../../../shared/contract/cache';

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

/** A name beside `path` for a tree being built: never taken for the finished one. */
export function stagingPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.switchyard-${randomBytes(6).toString('hex')}`);
}

/**
 * Builds a tree at a staging name beside `target` and renames it into place, so `target` is
 * either absent or whole. On failure the staging tree is removed and the error rethrown.
 */
export async function placeTreeAtomically(source: string, target: string, strategy: PlacementStrategy): Promise<void> {
  const staging = stagingPath(target);
  try {
    await placeTree(source, staging, strategy);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
