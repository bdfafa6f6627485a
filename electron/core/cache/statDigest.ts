import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * Per item, in find's order: a file's path, permission bits, size and modification time to the
 * nanosecond; a directory's path and permission bits; a symlink's path and target; anything else
 * its path. These are the fields the quick check of a manifest compares (firstDifference without
 * hashes), so equal digests mean that check would find no difference.
 */
const FIND_ARGUMENTS = [
  '-mindepth',
  '1',
  '(',
  '-type',
  'f',
  '-printf',
  'f\\0%P\\0%m\\0%s\\0%T@\\0',
  ')',
  '-o',
  '(',
  '-type',
  'd',
  '-printf',
  'd\\0%P\\0%m\\0',
  ')',
  '-o',
  '(',
  '-type',
  'l',
  '-printf',
  'l\\0%P\\0%l\\0',
  ')',
  '-o',
  '-printf',
  'o\\0%P\\0',
];

/** Whether GNU find answered once here; false after it was missing or refused -printf (BSD find). */
let findWorks: boolean | undefined;

/**
 * A SHA-1 over every item's type, path, mode, size, time and link target, read by GNU find in its
 * own process and hashed as it streams: what a hardlink hydration checks an entry against, at a
 * fraction of the cost of the full manifest's comparison, while cp links the same tree.
 *
 * The digest follows find's order, which is the directories' order on disk: stable while nothing
 * in the tree changes, so a different digest means a change or, rarely, a directory reordered by
 * the filesystem (the caller then compares the full manifest to tell which). Undefined where GNU
 * find is not there (macOS, BSD) or failed.
 */
export function statDigest(root: string): Promise<string | undefined> {
  if (findWorks === false) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const hash = createHash('sha1');
    let stderr = '';
    const child = spawn('find', [root, ...FIND_ARGUMENTS], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') findWorks = false;
      resolve(undefined);
    });
    child.once('close', (code) => {
      if (code !== 0) {
        if (/printf/.test(stderr)) findWorks = false;
        resolve(undefined);
        return;
      }
      findWorks = true;
      resolve(hash.digest('hex'));
    });
  });
}
