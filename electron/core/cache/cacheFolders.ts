import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CacheEcosystem } from '../../../shared/contract/cache';

const run = promisify(execFile);

/** How long asking a runtime for its version may take before it counts as absent (ms). */
const RUNTIME_VERSION_TIMEOUT_MS = 5_000;

/** Length of a cache key in hex characters: 128 bits of SHA-256, far from any collision. */
const CACHE_KEY_HEX_LENGTH = 32;

interface EcosystemFacts {
  /** The files whose content decides what gets installed; the first present one marks the ecosystem. */
  lockfiles: readonly string[];
  /** The runtime whose version changes what an install produces (native modules, bytecode). */
  runtime: readonly [command: string, ...args: string[]];
}

const ECOSYSTEMS: Record<CacheEcosystem, EcosystemFacts> = {
  npm: { lockfiles: ['package-lock.json', 'npm-shrinkwrap.json'], runtime: ['node', '--version'] },
  pnpm: { lockfiles: ['pnpm-lock.yaml'], runtime: ['node', '--version'] },
  yarn: { lockfiles: ['yarn.lock'], runtime: ['node', '--version'] },
  uv: { lockfiles: ['uv.lock'], runtime: ['python3', '--version'] },
  poetry: { lockfiles: ['poetry.lock'], runtime: ['python3', '--version'] },
  pip: { lockfiles: ['requirements.txt'], runtime: ['python3', '--version'] },
  bundler: { lockfiles: ['Gemfile.lock'], runtime: ['ruby', '--version'] },
  cargo: { lockfiles: ['Cargo.lock'], runtime: ['rustc', '--version'] },
};

/** A dependency folder of one worktree, with the key its content is cached under. */
export interface CachedFolder {
  /** Relative to the worktree, e.g. `node_modules` or `vendor/bundle`. */
  folder: string;
  ecosystems: CacheEcosystem[];
  lockfiles: string[];
  key: string;
}

/** Parses the cache.folders setting (already validated by its schema) into ecosystem → folders. */
export function foldersByEcosystem(setting: readonly string[]): Map<CacheEcosystem, string[]> {
  const map = new Map<CacheEcosystem, string[]>();
  for (const pair of setting) {
    const [ecosystem, folder] = pair.split(':') as [CacheEcosystem, string];
    map.set(ecosystem, [...(map.get(ecosystem) ?? []), folder]);
  }
  return map;
}

/**
 * Versions of the runtimes, asked once per process: what an install builds depends on them, and
 * asking at every hydration would cost a process start each time.
 */
export class RuntimeVersions {
  private readonly known = new Map<string, Promise<string>>();

  of(ecosystem: CacheEcosystem): Promise<string> {
    const [command, ...args] = ECOSYSTEMS[ecosystem].runtime;
    const id = `${command} ${args.join(' ')}`;
    let version = this.known.get(id);
    if (!version) {
      version = run(command, args, { timeout: RUNTIME_VERSION_TIMEOUT_MS }).then(
        ({ stdout, stderr }) => `${command} ${(stdout || stderr).trim()}`,
        () => `${command} absent`,
      );
      this.known.set(id, version);
    }
    return version;
  }
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * The dependency folders of a worktree that the cache serves: each configured folder whose
 * ecosystem has a lockfile there, keyed by a hash of the lockfiles' content, the platform, the
 * architecture, the runtime's version and the folder's name. Two ecosystems naming one folder (a
 * repository with both package-lock.json and yarn.lock) share one entry over both lockfiles.
 */
export async function detectFolders(worktreePath: string, setting: readonly string[], runtimes: RuntimeVersions): Promise<CachedFolder[]> {
  const byFolder = new Map<string, { ecosystems: CacheEcosystem[]; locks: { name: string; content: Buffer }[] }>();
  const ecosystems = [...foldersByEcosystem(setting)];
  // Every lockfile asked for at once: most are absent, and each answer is a trip to the disk.
  const present = await Promise.all(
    ecosystems.map(async ([ecosystem]) => {
      const contents = await Promise.all(ECOSYSTEMS[ecosystem].lockfiles.map((name) => readIfPresent(join(worktreePath, name))));
      return ECOSYSTEMS[ecosystem].lockfiles.flatMap((name, i) => (contents[i] ? [{ name, content: contents[i] }] : []));
    }),
  );
  for (const [index, [ecosystem, folders]] of ecosystems.entries()) {
    const locks = present[index]!;
    if (locks.length === 0) continue;
    for (const folder of folders) {
      const seen = byFolder.get(folder) ?? { ecosystems: [], locks: [] };
      seen.ecosystems.push(ecosystem);
      for (const lock of locks) if (!seen.locks.some((l) => l.name === lock.name)) seen.locks.push(lock);
      byFolder.set(folder, seen);
    }
  }
  const found: CachedFolder[] = [];
  for (const [folder, { ecosystems, locks }] of byFolder) {
    const hash = createHash('sha256');
    const sorted = [...locks].sort((a, b) => a.name.localeCompare(b.name));
    for (const lock of sorted) hash.update(`lockfile ${lock.name} ${lock.content.length}\n`).update(lock.content);
    const versions = [...new Set(await Promise.all(ecosystems.map((e) => runtimes.of(e))))].sort();
    hash.update(`\nplatform ${process.platform}\narch ${process.arch}\nruntime ${versions.join(', ')}\nfolder ${folder}\n`);
    found.push({ folder, ecosystems, lockfiles: sorted.map((l) => l.name), key: hash.digest('hex').slice(0, CACHE_KEY_HEX_LENGTH) });
  }
  return found;
}
