import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PlacementError } from './treePlacement';

const run = promisify(execFile);

/** Most output kept from a failing find or chmod (bytes): its first lines say why. */
const CHMOD_MAX_BUFFER_BYTES = 1024 * 1024;

/** Runs chmod with `mode` over every regular file under `root`, in batches (find's `-exec … +`). */
async function chmodFiles(root: string, mode: string): Promise<void> {
  try {
    await run('find', [root, '-type', 'f', '-exec', 'chmod', mode, '{}', '+'], { maxBuffer: CHMOD_MAX_BUFFER_BYTES });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new PlacementError(stderr || (error instanceof Error ? error.message : String(error)));
  }
}

/**
 * Makes every regular file under `root` read-only for everyone (0644 → 0444, 0755 → 0555): read
 * and exec bits stay, symlinks are not followed. A cache entry is sealed before its manifest is
 * taken, so the files a hardlink hydration shares with worktrees refuse a write in place (EACCES)
 * to anyone but root, while a write by rename or a delete, which change only the worktree's own
 * directories, work as before.
 *
 * Directories stay writable: no hydration shares them (cp creates each one anew), and the cache
 * must be able to remove an entry's files without changing any mode first.
 */
export function sealFiles(root: string): Promise<void> {
  return chmodFiles(root, 'a-w');
}

/**
 * Gives every regular file under `root` back its owner's write bit: a clone or a copy of a sealed
 * entry shares nothing, so its files are as writable as an install would have left them.
 */
export function unsealFiles(root: string): Promise<void> {
  return chmodFiles(root, 'u+w');
}
