import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Project } from '../../../shared/contract';
import type { PlacementStrategy } from '../../../shared/contract/cache';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import type { ProjectService } from '../projects/projectService';
import type { SettingsService } from '../settings/settingsService';
import { CacheEntries, entriesToEvict, type CacheEntry } from './cacheEntries';
import { detectFolders, RuntimeVersions, type CachedFolder } from './cacheFolders';
import { chooseStrategy, probePlacement, type StrategyChoice } from './strategyProbe';
import { firstDifference, manifestBytes, readManifest } from './treeManifest';
import { placeTree, placeTreeAtomically } from './treePlacement';

const BYTES_PER_MB = 1024 * 1024;
const MS_PER_DAY = 24 * 60 * 60 * 1000;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A populate that could not store its entry, as a typed error naming the folder and the cause. */
function populateError(folder: string, error: unknown): SwitchyardError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const full = code === 'ENOSPC' || /No space left/i.test(message);
  return new SwitchyardError(
    full ? 'DISK_FULL' : 'UNAVAILABLE',
    `The dependency cache could not store ${folder}: ${full ? 'the disk is full' : message.split('\n')[0]}`,
    { folder, ...(code ? { errno: code } : {}) },
  );
}

/**
 * The per-user dependency cache. Hydrate places a worktree's dependency folders from entries
 * keyed by their lockfiles; after the setup script installed what was missing, populate stores it.
 *
 * Hardlinks share files with the entry, so a write in place or a chmod in a hydrated worktree
 * changes the entry (file modes cannot stop root, and tools such as npm replace files rather than
 * write them in place). The cache therefore verifies before reuse: a hardlink hydration first
 * compares the entry's tree with the manifest stored with it (type, mode, size, time, link
 * targets) and evicts an entry that changed, so the next worktree installs afresh instead of
 * inheriting the change. Clones and copies share nothing and need no check.
 */
export class DependencyCache implements Disposable {
  private readonly runtimes = new RuntimeVersions();
  private readonly choices = new Map<string, Promise<StrategyChoice>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly misses = new Map<string, CachedFolder[]>();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly parts: { settings: SettingsService; projects: ProjectService; dataDir: string; log: Logger },
  ) {}

  get entries(): CacheEntries {
    return new CacheEntries(this.parts.settings.value('cache.location') || join(this.parts.dataDir, 'cache'));
  }

  /** One operation at a time per key: a hydration never reads an entry while it is removed. */
  private withKey<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }

  /** The strategy for a project's worktrees under `targetDir`, probed once per cache and folder. */
  async strategy(project: Project, targetDir: string): Promise<StrategyChoice | undefined> {
    const setting = this.parts.settings.value('cache.strategy', project.id);
    if (setting === 'off') return undefined;
    const entries = this.entries;
    const id = `${setting}\0${entries.root}\0${targetDir}`;
    let choice = this.choices.get(id);
    if (!choice) {
      choice = (async () => {
        await mkdir(entries.stagingDir, { recursive: true });
        return chooseStrategy(setting, await probePlacement(entries.stagingDir, targetDir));
      })();
      this.choices.set(id, choice);
      choice.catch(() => this.choices.delete(id));
    }
    return choice;
  }

  /** A sentence for the worktree's log, or why nothing was hydrated. */
  async hydrate(worktreePath: string, project: Project): Promise<string | { skipped: string }> {
    this.misses.delete(worktreePath);
    const folders = await detectFolders(worktreePath, this.parts.settings.value('cache.folders', project.id), this.runtimes);
    if (folders.length === 0) return { skipped: 'No lockfile of a cached ecosystem' };
    const choice = await this.strategy(project, dirname(worktreePath));
    if (!choice) return { skipped: 'The dependency cache is off for this project' };
    const said: string[] = [];
    const missed: CachedFolder[] = [];
    for (const folder of folders) {
      const target = join(worktreePath, folder.folder);
      if (await exists(target)) {
        said.push(`${folder.folder} already present`);
        continue;
      }
      const outcome = await this.withKey(folder.key, () => this.placeEntry(folder, target, choice.strategy, project));
      if (outcome === true) said.push(`${folder.folder} from the cache`);
      else {
        missed.push(folder);
        said.push(`${folder.folder}: ${outcome}`);
      }
    }
    this.misses.set(worktreePath, missed);
    return `${said.join('; ')} (${choice.reason})`;
  }

  private async placeEntry(folder: CachedFolder, target: string, strategy: PlacementStrategy, project: Project): Promise<true | string> {
    const entries = this.entries;
    const entry = await entries.read(folder.key);
    if (!entry) return 'not cached yet, the setup script installs it';
    if (strategy === 'hardlink') {
      const changed = firstDifference(await entries.manifest(folder.key), await readManifest(entries.treeOf(folder.key), { hash: false }));
      if (changed) {
        await entries.remove(folder.key);
        this.parts.log.warn(`cache entry ${folder.key} (${folder.folder}) changed through a hardlink (${changed}): evicted`);
        return `the cached copy had changed (${changed}) and was evicted, the setup script installs it`;
      }
    }
    await mkdir(dirname(target), { recursive: true });
    await placeTreeAtomically(entries.treeOf(folder.key), target, strategy);
    const projects = entry.projects.includes(project.name) ? entry.projects : [...entry.projects, project.name];
    await entries.update({ ...entry, hits: entry.hits + 1, lastUsedAt: Date.now(), projects });
    return true;
  }

  /** After a successful setup script: stores the folders this worktree missed, in the background. */
  populate(worktreePath: string, project: Project): void {
    const work = this.populateNow(worktreePath, project).then(
      () => undefined,
      (error: unknown) => this.parts.log.warn(error instanceof Error ? error.message : String(error)),
    );
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** Stores the folders this worktree missed; a failure leaves no entry and throws a typed error. */
  async populateNow(worktreePath: string, project: Project): Promise<CacheEntry[]> {
    const missed = this.misses.get(worktreePath);
    this.misses.delete(worktreePath);
    if (!missed || missed.length === 0) return [];
    // The script may have rewritten a lockfile: the key follows what is there now.
    const folders = await detectFolders(worktreePath, this.parts.settings.value('cache.folders', project.id), this.runtimes);
    const stored: CacheEntry[] = [];
    for (const folder of folders.filter((f) => missed.some((m) => m.folder === f.folder))) {
      const source = join(worktreePath, folder.folder);
      const entries = this.entries;
      if (!(await exists(source)) || (await entries.read(folder.key))) continue;
      let staging: string | undefined;
      try {
        staging = await entries.stage(folder.key);
        const tree = join(staging, 'tree');
        // Never hardlinks: the worktree's files stay writable by its tools. A failed clone may leave part of a tree.
        await placeTree(source, tree, 'clone').catch(async () => {
          await rm(tree, { recursive: true, force: true });
          await placeTree(source, tree, 'copy');
        });
        const manifest = await readManifest(tree, { hash: true });
        const now = Date.now();
        const entry: CacheEntry = {
          key: folder.key,
          folder: folder.folder,
          lockfiles: folder.lockfiles,
          createdAt: now,
          sizeBytes: manifestBytes(manifest),
          hits: 0,
          lastUsedAt: now,
          projects: [project.name],
        };
        if (await entries.commit(staging, entry, manifest)) stored.push(entry);
      } catch (error) {
        if (staging) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
        throw populateError(folder.folder, error);
      }
    }
    await this.enforceLimits();
    return stored;
  }

  /** Keys pinned by the user or by any project. */
  private pinned(): Set<string> {
    const keys = new Set(this.parts.settings.value('cache.pinned'));
    for (const project of this.parts.projects.list()) for (const key of this.parts.settings.value('cache.pinned', project.id)) keys.add(key);
    return keys;
  }

  /** Removes entries past the retention, then the least recently used while over the size limit. */
  async enforceLimits(now = Date.now()): Promise<CacheEntry[]> {
    const { settings } = this.parts;
    const doomed = entriesToEvict(await this.entries.list(), {
      maxBytes: settings.value('cache.maxSizeMb') * BYTES_PER_MB,
      lru: settings.value('cache.eviction') === 'lru',
      retentionMs: settings.value('cache.retentionDays') * MS_PER_DAY,
      pinned: this.pinned(),
      now,
    });
    for (const entry of doomed) await this.evict(entry.key);
    return doomed;
  }

  list(): Promise<CacheEntry[]> {
    return this.entries.list();
  }

  evict(key: string): Promise<void> {
    return this.withKey(key, () => this.entries.remove(key));
  }

  /** Hashes an entry's tree and compares it with what was stored; a changed entry is evicted. */
  async verify(key: string): Promise<{ key: string; ok: boolean; problem?: string }> {
    return this.withKey(key, async () => {
      const entries = this.entries;
      if (!(await entries.read(key))) throw new SwitchyardError('NOT_FOUND', `No cache entry ${key}`, { key });
      const problem = firstDifference(await entries.manifest(key), await readManifest(entries.treeOf(key), { hash: true }));
      if (problem) await entries.remove(key);
      return problem ? { key, ok: false, problem } : { key, ok: true };
    });
  }

  async clear(): Promise<number> {
    const all = await this.list();
    for (const entry of all) await this.evict(entry.key);
    return all.length;
  }

  /** Resolves once every background populate has finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  async dispose(): Promise<void> {
    await this.idle();
  }
}
