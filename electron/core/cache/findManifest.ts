import { execFileSync } from 'node:child_process';
import type { ManifestItem } from './treeManifest';

/** Most output find may print for one tree (bytes): some 80 bytes an item, a million items. */
const FIND_MAX_BUFFER_BYTES = 128 * 1024 * 1024;

/** Per item: relative path, type, permission bits (octal), size, modification time (s.ns), link target. */
const FIND_FORMAT = '%P\\0%y\\0%m\\0%s\\0%T@\\0%l\\0';
const FIELDS = 6;

/** Whether GNU find answered once here; false after it was missing or refused -printf (BSD find). */
let findWorks: boolean | undefined;

/** find's `seconds.fraction` as Node computes mtimeMs (seconds × 1000 + nanoseconds / 10⁶), to the same double. */
function mtimeMs(text: string): number {
  const [seconds, fraction = ''] = text.split('.');
  return Number(seconds) * 1000 + Number(fraction.padEnd(9, '0').slice(0, 9)) / 1e6;
}

/**
 * The manifest of a tree without file hashes, as readManifest gives it, read by GNU find: its walk
 * in C costs a fraction of one item by item from JavaScript, and a hardlink hydration waits for it.
 * Undefined where GNU find is not there (macOS, BSD), and when find fails: the caller then walks
 * the tree itself, which also says why a tree cannot be read.
 */
export function readManifestWithFind(root: string): ManifestItem[] | undefined {
  if (findWorks === false) return undefined;
  let out: string;
  try {
    out = execFileSync('find', [root, '-mindepth', '1', '-printf', FIND_FORMAT], { maxBuffer: FIND_MAX_BUFFER_BYTES, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /printf/.test(stderr)) findWorks = false;
    return undefined;
  }
  findWorks = true;
  const fields = out.split('\0');
  const items: ManifestItem[] = [];
  for (let i = 0; i + FIELDS <= fields.length; i += FIELDS) {
    const [path, type, mode, size, time, target] = fields.slice(i, i + FIELDS) as [string, string, string, string, string, string];
    const base = { path, mode: Number.parseInt(mode, 8), size: Number(size), mtimeMs: mtimeMs(time) };
    if (type === 'f') items.push({ ...base, type: 'file' });
    else if (type === 'd') items.push({ ...base, type: 'dir', size: 0, mtimeMs: 0 });
    else if (type === 'l') items.push({ ...base, type: 'symlink', content: target });
  }
  return items;
}
