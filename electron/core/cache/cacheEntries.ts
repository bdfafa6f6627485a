import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from './processAlive';
import type { ManifestItem } from './treeManifest';

/** Beside an entry's manifest: the stat digest of its tree, which a hardlink hydration checks first. */
const STAT_DIGEST_FILE = 'stat-digest';

/** What is known of one stored entry, kept beside its tree as entry.json. */
export interface CacheEntry {
  key: string;
  folder: string;
  lockfiles: string[];
  createdAt: number;
  sizeBytes: number;
  hits: number;
  lastUsedAt: number;
  /** Names of the projects that used it. */
  projects: string[];
  /** Its files were made read-only before its manifest was taken (treeSeal.ts); absent in entries stored before sealing. */
  sealed?: boolean;
}

/**
 * The cache's folders: `entries/<key>/` holds `tree/` (the folder as installed), `manifest.json`,
 * `stat-digest` and `entry.json`; `staging/` holds entries being written. An entry appears in `entries/` only
 * by one rename of a finished staging folder, so a half-written entry is never seen.
 */
export class CacheEntries {
  constructor(readonly root: string) {}

  get entriesDir(): string {
    return join(this.root, 'entries');
  }

  get stagingDir(): string {
    return join(this.root, 'staging');
  }

  treeOf(key: string): string {
    return join(this.entriesDir, key, 'tree');
  }

  async read(key: string): Promise<CacheEntry | undefined> {
    try {
      return JSON.parse(await readFile(join(this.entriesDir, key, 'entry.json'), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
  }

  manifestFile(key: string): string {
    return join(this.entriesDir, key, 'manifest.json');
  }

  /** The stat digest (statDigest.ts) of the entry's tree as stored; undefined for an entry stored without one. */
  async readStatDigest(key: string): Promise<string | undefined> {
    try {
      return (await readFile(join(this.entriesDir, key, STAT_DIGEST_FILE), 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Replaces the entry's stat digest by a rename, after a full comparison found the tree unchanged. */
  async writeStatDigest(key: string, digest: string): Promise<void> {
    const path = join(this.entriesDir, key, STAT_DIGEST_FILE);
    const temporary = `${path}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, digest);
    await rename(temporary, path);
  }

  async list(): Promise<CacheEntry[]> {
    const keys = await namesIn(this.entriesDir);
    const entries = await Promise.all(keys.map((key) => this.read(key)));
    return entries.filter((entry): entry is CacheEntry => entry !== undefined);
  }

  /** A new staging folder for one entry. */
  async stage(key: string): Promise<string> {
    const path = this.stagingName(key);
    await mkdir(path, { recursive: true });
    return path;
  }

  /** A path in `staging/` owned by this process: its name starts with the process id. */
  stagingName(label: string): string {
    return join(this.stagingDir, `${process.pid}-${label}-${randomBytes(6).toString('hex')}`);
  }

  /**
   * Removes what processes that are gone left in `staging/` (an entry half-written when the app
   * crashed, a tree half-deleted, a probe's files), and returns their names. Folders of a process
   * still running, another core sharing this cache, are left to it.
   */
  async removeLeftovers(): Promise<string[]> {
    const names = await namesIn(this.stagingDir);
    const doomed = names.filter((name) => !processAlive(Number(name.split('-')[0])));
    await Promise.all(doomed.map((name) => rm(join(this.stagingDir, name), { recursive: true, force: true })));
    return doomed;
  }

  /** Writes the entry's record and manifest into a staging folder and renames it into place; false when another got there first. */
  async commit(staging: string, entry: CacheEntry, manifest: ManifestItem[], digest?: string): Promise<boolean> {
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest));
    if (digest) await writeFile(join(staging, STAT_DIGEST_FILE), digest);
    await writeFile(join(staging, 'entry.json'), JSON.stringify(entry));
    await mkdir(this.entriesDir, { recursive: true });
    try {
      await rename(staging, join(this.entriesDir, entry.key));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        await rm(staging, { recursive: true, force: true });
        return false;
      }
      throw error;
    }
  }

  /** Rewrites entry.json by a rename, so a reader sees the old record or the new one. */
  async update(entry: CacheEntry): Promise<void> {
    const path = join(this.entriesDir, entry.key, 'entry.json');
    const temporary = `${path}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, path);
  }

  /** Takes the entry out of `entries/` by one rename, then deletes it. */
  async remove(key: string): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true });
    const doomed = this.stagingName(`evicted-${key}`);
    try {
      await rename(join(this.entriesDir, key), doomed);
    } catch {
      return;
    }
    await rm(doomed, { recursive: true, force: true });
  }
}

/**
 * Which entries to remove: those unused for longer than the retention, then, while the total is
 * over the limit, the least recently used. Pinned entries are never chosen.
 */
export function entriesToEvict(
  entries: readonly CacheEntry[],
  rules: { maxBytes: number; lru: boolean; retentionMs: number; pinned: ReadonlySet<string>; now: number },
): CacheEntry[] {
  const chosen = entries.filter((e) => !rules.pinned.has(e.key) && rules.now - e.lastUsedAt > rules.retentionMs);
  if (!rules.lru) return chosen;
  let total = entries.filter((e) => !chosen.includes(e)).reduce((sum, e) => sum + e.sizeBytes, 0);
  const byAge = entries.filter((e) => !chosen.includes(e) && !rules.pinned.has(e.key)).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  for (const entry of byAge) {
    if (total <= rules.maxBytes) break;
    chosen.push(entry);
    total -= entry.sizeBytes;
  }
  return chosen;
}

/** The names in a folder; none when it does not exist (yet). */
async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
