import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Project } from '../../../shared/contract';
import type { CacheEntryInfo, CacheList, CacheProgress, CacheStrategyChoice, CacheVerifyResult, PlacementStrategy } from '../../../shared/contract/cache';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { ProjectService } from '../projects/projectService';
import type { SettingsService } from '../settings/settingsService';
import { CacheEntries, entriesToEvict, type CacheEntry } from './cacheEntries';
import { detectFolders, RuntimeVersions, type CachedFolder } from './cacheFolders';
import { chooseStrategy, probePlacement, type StrategyChoice } from './strategyProbe';
import { ManifestThread } from './manifestThread';
import { manifestBytes } from './treeManifest';
import { statDigest } from './statDigest';
import { placeTree, placeTreeAtomically, removeStagingLeftovers, stagingPath } from './treePlacement';
import { sealFiles, unsealFiles } from './treeSeal';

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
 * Hardlinks share files with the entry. An entry's files are therefore sealed read-only when it
 * is stored (treeSeal.ts): a write in place through a link is refused, while a write by rename or
 * a delete changes only the worktree's own directories. File modes cannot stop root, nor the
 * files' owner from a chmod, so the cache also verifies before reuse: a hardlink hydration first
 * compares the entry's tree with the manifest stored with it (type, mode, size, time, link
 * targets) and evicts an entry that changed, so the next worktree installs afresh instead of
 * inheriting the change. That check runs in GNU find as a digest of those fields, stored at
 * populate time and compared while cp links the tree; the full manifest is compared only when the
 * digests differ or find is missing. Clones and copies share nothing and need no check.
 */
export class DependencyCache implements Disposable {
  private readonly runtimes = new RuntimeVersions();
  private readonly choices = new Map<string, Promise<StrategyChoice>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly misses = new Map<string, CachedFolder[]>();
  private readonly background = new Set<Promise<void>>();
  private readonly manifests = new ManifestThread();

  constructor(
    private readonly parts: {
      settings: SettingsService;
      projects: ProjectService;
      bus: EventBus;
      dataDir: string;
      log: Logger;
      /** The worktrees whose folders a killed hydration may have left staging trees in. */
      worktrees?: { list(projectId: string, includeRemoved: boolean): readonly { path: string }[] };
    },
  ) {
    // What a crash left half-written is removed before anything else uses the cache.
    this.track(
      this.entries.removeLeftovers().then((removed) => {
        if (removed.length > 0) this.parts.log.info(`removed ${removed.length} unfinished cache folder(s) left by an earlier run`);
      }),
    );
    this.track(
      this.removeWorktreeLeftovers().then((removed) => {
        if (removed.length > 0) this.parts.log.info(`removed ${removed.length} unfinished dependency folder(s) that an earlier run left in worktrees`);
      }),
    );
  }

  /**
   * Removes the staging trees that a killed hydration or probe left beside a worktree's dependency
   * folders (`.node_modules.switchyard-<pid>-…`) and beside the worktrees themselves.
   */
  private async removeWorktreeLeftovers(): Promise<string[]> {
    const { worktrees, projects, settings } = this.parts;
    if (!worktrees) return [];
    const dirs = new Set<string>();
    for (const project of projects.list()) {
      const folders = settings.value('cache.folders', project.id).map((pair) => pair.slice(pair.indexOf(':') + 1));
      for (const worktree of worktrees.list(project.id, false)) {
        dirs.add(dirname(worktree.path));
        for (const folder of folders) dirs.add(dirname(join(worktree.path, folder)));
      }
    }
    return (await Promise.all([...dirs].map((dir) => removeStagingLeftovers(dir)))).flat();
  }

  private track(work: Promise<void>): void {
    const logged = work.catch((error: unknown) => this.parts.log.warn(error instanceof Error ? error.message : String(error)));
    this.background.add(logged);
    void logged.finally(() => this.background.delete(logged));
  }

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
        return chooseStrategy(setting, await probePlacement(entries.stagingName('probe'), targetDir));
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
      this.track(removeStagingLeftovers(dirname(target)).then(() => undefined));
      const outcome = await this.withKey(folder.key, () => this.placeEntry(folder, target, choice.strategy, project)).catch((error: unknown) => {
        // The placement left nothing behind (its staging tree is removed): the setup script installs instead.
        const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        this.parts.log.warn(`could not place ${folder.folder} from cache entry ${folder.key}: ${reason}`);
        return `could not be placed from the cache (${reason}), the setup script installs it`;
      });
      if (outcome === true) said.push(`${folder.folder} from the cache`);
      else {
        missed.push(folder);
        said.push(`${folder.folder}: ${outcome}`);
      }
    }
    this.misses.set(worktreePath, missed);
    return `${said.join('; ')} (${choice.reason})`;
  }

  /** Removes an entry that cannot be hydrated from as it is, and says why in the log. */
  private async evictUnfit(folder: CachedFolder, why: string): Promise<void> {
    await this.entries.remove(folder.key);
    this.changed();
    this.parts.log.warn(`cache entry ${folder.key} (${folder.folder}) ${why}`);
  }

  private async placeEntry(folder: CachedFolder, target: string, strategy: PlacementStrategy, project: Project): Promise<true | string> {
    const entries = this.entries;
    const [entry, stored] = await Promise.all([entries.read(folder.key), strategy === 'hardlink' ? entries.readStatDigest(folder.key) : undefined]);
    if (!entry) return 'not cached yet, the setup script installs it';
    if (strategy === 'hardlink' && !entry.sealed) {
      // Stored before entries were sealed: its files are writable through a link, so it is stored again.
      await this.evictUnfit(folder, 'was stored with writable files: evicted, to be stored again sealed');
      return 'the cached copy was stored with writable files and was evicted, the setup script installs it and stores it read-only';
    }
    // A folder such as vendor/bundle needs its parent; node_modules has the worktree.
    if (folder.folder.includes('/')) await mkdir(dirname(target), { recursive: true });
    if (strategy === 'hardlink') {
      // The links are made while the entry is checked; the worktree sees them only if it passed.
      const tree = entries.treeOf(folder.key);
      const staging = stagingPath(target);
      const [digest, placed] = await Promise.allSettled([stored ? statDigest(tree) : Promise.resolve(undefined), placeTree(tree, staging, strategy)]);
      let changed: string | undefined;
      try {
        if (placed.status === 'rejected') throw placed.reason;
        const current = digest.status === 'fulfilled' ? digest.value : undefined;
        if (current === undefined || current !== stored) {
          // No digest to go by, or one that differs: the full manifest says whether and what changed.
          changed = await this.manifests.compare(tree, entries.manifestFile(folder.key), { hash: false });
          const fresh = changed === undefined ? (current ?? (await statDigest(tree))) : undefined;
          if (fresh) await entries.writeStatDigest(folder.key, fresh);
        }
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
      if (changed !== undefined) {
        await rm(staging, { recursive: true, force: true });
        await this.evictUnfit(folder, `changed through a hardlink (${changed}): evicted`);
        return `the cached copy had changed (${changed}) and was evicted, the setup script installs it`;
      }
      await rename(staging, target);
    } else {
      // A clone or copy shares no file with the entry: its files are made writable again.
      await placeTreeAtomically(entries.treeOf(folder.key), target, strategy, unsealFiles);
    }
    const projects = entry.projects.includes(project.name) ? entry.projects : [...entry.projects, project.name];
    await entries.update({ ...entry, hits: entry.hits + 1, lastUsedAt: Date.now(), projects });
    this.changed();
    return true;
  }

  private changed(): void {
    this.parts.bus.emit('cache.changed', {});
  }

  private progress(progress: CacheProgress): void {
    this.parts.bus.emit('cache.progress', progress);
  }

  /** After a successful setup script: stores the folders this worktree missed, in the background. */
  populate(worktreePath: string, project: Project): void {
    this.track(this.populateNow(worktreePath, project).then(() => undefined));
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
        // Sealed before the manifest and digest are taken: they record the read-only modes.
        await sealFiles(tree);
        const manifest = await this.manifests.read(tree, { hash: true });
        const digest = await statDigest(tree);
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
          sealed: true,
        };
        if (await entries.commit(staging, entry, manifest, digest)) {
          stored.push(entry);
          this.changed();
        }
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

  /** Every entry with its size, hits, last use, projects and whether it is pinned, newest use first. */
  async overview(): Promise<CacheList> {
    const pinned = this.pinned();
    const entries: CacheEntryInfo[] = (await this.list())
      .map(({ sealed: _sealed, ...entry }) => ({ ...entry, pinned: pinned.has(entry.key) }))
      .sort((a, b) => b.lastUsedAt - a.lastUsedAt);
    return {
      location: this.entries.root,
      entries,
      totalBytes: entries.reduce((sum, e) => sum + e.sizeBytes, 0),
      maxBytes: this.parts.settings.value('cache.maxSizeMb') * BYTES_PER_MB,
    };
  }

  /** The strategy a project's worktrees get and why, as the user is shown it. */
  async strategyFor(project: Project, worktreeRoot: string): Promise<CacheStrategyChoice> {
    const setting = this.parts.settings.value('cache.strategy', project.id);
    await mkdir(worktreeRoot, { recursive: true });
    const choice = await this.strategy(project, worktreeRoot);
    return choice ? { setting, ...choice } : { setting, strategy: null, reason: 'off: every worktree runs its setup script to install' };
  }

  evict(key: string): Promise<void> {
    return this.withKey(key, async () => {
      await this.entries.remove(key);
      this.changed();
    });
  }

  /** Evicts the named entries one by one, telling the progress after each. */
  async evictMany(keys: readonly string[]): Promise<string[]> {
    const present = new Set((await this.list()).map((e) => e.key));
    const evicted: string[] = [];
    this.progress({ operation: 'evict', done: 0, total: keys.length, key: null });
    for (const [index, key] of keys.entries()) {
      if (present.has(key)) {
        await this.evict(key);
        evicted.push(key);
      }
      this.progress({ operation: 'evict', done: index + 1, total: keys.length, key });
    }
    return evicted;
  }

  /** Hashes an entry's tree and compares it with what was stored; a changed entry is evicted. */
  async verify(key: string): Promise<CacheVerifyResult> {
    return this.withKey(key, async () => {
      const entries = this.entries;
      if (!(await entries.read(key))) throw new SwitchyardError('NOT_FOUND', `No cache entry ${key}`, { key });
      const problem = await this.manifests.compare(entries.treeOf(key), entries.manifestFile(key), { hash: true });
      if (problem) {
        await entries.remove(key);
        this.changed();
      }
      return problem ? { key, ok: false, problem } : { key, ok: true };
    });
  }

  /** Verifies the named entries, or all, telling the progress after each. */
  async verifyMany(keys?: readonly string[]): Promise<CacheVerifyResult[]> {
    const chosen = keys ?? (await this.list()).map((e) => e.key);
    const results: CacheVerifyResult[] = [];
    this.progress({ operation: 'verify', done: 0, total: chosen.length, key: null });
    for (const key of chosen) {
      results.push(await this.verify(key));
      this.progress({ operation: 'verify', done: results.length, total: chosen.length, key });
    }
    return results;
  }

  async clear(): Promise<number> {
    const all = await this.list();
    this.progress({ operation: 'clear', done: 0, total: all.length, key: null });
    let done = 0;
    for (const entry of all) {
      await this.evict(entry.key);
      this.progress({ operation: 'clear', done: ++done, total: all.length, key: entry.key });
    }
    return all.length;
  }

  /** Resolves once every background populate has finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  async dispose(): Promise<void> {
    await this.idle();
    await this.manifests.dispose();
  }
}
