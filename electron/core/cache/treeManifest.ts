import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** What an entry's tree held when it was stored: enough to tell whether anything changed since. */
export interface ManifestItem {
  /** Relative to the tree, with `/` separators. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (mode & 0o7777): a chmod through a hardlink shows here. */
  mode: number;
  size: number;
  /** Modification time (ms): an in-place write shows here before its content is hashed. */
  mtimeMs: number;
  /** A file's SHA-1, or a symlink's target. */
  content?: string;
}

const PERMISSION_BITS = 0o7777;

/**
 * Every item of a tree, depth first, without following symlinks; files hashed when asked. It reads
 * synchronously, as fast as the disk answers: call it from the manifest thread
 * (manifestThread.ts), never from the core's event loop.
 */
export function readManifest(root: string, options: { hash: boolean }): ManifestItem[] {
  const items: ManifestItem[] = [];
  const walk = (relative: string): void => {
    const entries = readdirSync(relative === '' ? root : join(root, relative), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const full = join(root, path);
      const stats = lstatSync(full);
      const base = { path, mode: stats.mode & PERMISSION_BITS, size: stats.size, mtimeMs: stats.mtimeMs };
      if (stats.isSymbolicLink()) items.push({ ...base, type: 'symlink', content: readlinkSync(full) });
      else if (stats.isDirectory()) {
        items.push({ ...base, type: 'dir', size: 0, mtimeMs: 0 });
        walk(path);
      } else if (stats.isFile()) {
        items.push({ ...base, type: 'file', ...(options.hash ? { content: createHash('sha1').update(readFileSync(full)).digest('hex') } : {}) });
      }
    }
  };
  walk('');
  return items;
}

/** Total bytes of the files of a manifest. */
export function manifestBytes(items: readonly ManifestItem[]): number {
  return items.reduce((sum, item) => sum + (item.type === 'file' ? item.size : 0), 0);
}

/**
 * The first difference between what was stored and what is there, as a sentence; undefined when
 * they agree. Content is compared only where both sides carry it (a full verify hashes; the quick
 * check before a hardlink hydration compares type, mode, size, time and link targets).
 */
export function firstDifference(stored: readonly ManifestItem[], current: readonly ManifestItem[]): string | undefined {
  const now = new Map(current.map((item) => [item.path, item]));
  for (const item of stored) {
    const found = now.get(item.path);
    if (!found) return `${item.path} is missing`;
    now.delete(item.path);
    if (found.type !== item.type) return `${item.path} is a ${found.type}, was a ${item.type}`;
    if (found.mode !== item.mode) return `${item.path} has mode ${found.mode.toString(8)}, was ${item.mode.toString(8)}`;
    if (item.type === 'file' && found.size !== item.size) return `${item.path} has ${found.size} bytes, had ${item.size}`;
    if (item.type === 'file' && found.mtimeMs !== item.mtimeMs) return `${item.path} was written after it was stored`;
    if (found.content !== undefined && item.content !== undefined && found.content !== item.content) return `${item.path} has other content`;
  }
  const extra = now.keys().next();
  return extra.done ? undefined : `${extra.value} was added`;
}
