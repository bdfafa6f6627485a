import type { CacheEntryInfo, CacheList, CacheProgress, CacheVerifyResult } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import { formatAge, formatBytes } from '../../shared/formatCache';

/** What a cache command needs: a way to call the core's procedures and, optionally, to hear its progress events. */
export interface CacheCommandDeps {
  call: <T>(method: string, input: unknown) => Promise<T>;
  /** Listens to `cache.progress` until the returned function is called. */
  onProgress?: (listener: (progress: CacheProgress) => void) => () => void;
  print: (line: string) => void;
  /** Where progress goes: stderr, so that --json keeps stdout clean. */
  status: (line: string) => void;
  now?: () => number;
}

/** Shortest key prefix the commands accept in place of a whole key. */
const MIN_KEY_PREFIX = 4;
/** Characters of a key shown in the table: enough to name it in `cache evict`. */
const SHOWN_KEY_LENGTH = 12;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}

/** The lines of `switchyard cache ls`. */
export function formatCacheList(list: CacheList, now: number): string[] {
  const header = `${list.entries.length} entries, ${formatBytes(list.totalBytes)} of ${formatBytes(list.maxBytes)} in ${list.location}`;
  if (list.entries.length === 0) return [header];
  const rows = list.entries.map((e: CacheEntryInfo) => [
    e.key.slice(0, SHOWN_KEY_LENGTH),
    e.folder,
    formatBytes(e.sizeBytes),
    String(e.hits),
    formatAge(now - e.lastUsedAt),
    e.pinned ? 'yes' : '',
    e.projects.join(', '),
  ]);
  return [header, '', ...table([['KEY', 'FOLDER', 'SIZE', 'HITS', 'LAST USE', 'PINNED', 'PROJECTS'], ...rows])];
}

/** The whole keys the arguments name: each a key or an unambiguous prefix of one. */
export function resolveKeys(wanted: readonly string[], entries: readonly CacheEntryInfo[]): string[] {
  return wanted.map((prefix) => {
    const lower = prefix.toLowerCase();
    if (!/^[0-9a-f]+$/.test(lower) || lower.length < MIN_KEY_PREFIX) {
      throw new SwitchyardError('BAD_INPUT', `"${prefix}" is not a cache key: give at least ${MIN_KEY_PREFIX} hex characters of one (switchyard cache ls shows them)`, { key: prefix });
    }
    const matches = entries.filter((e) => e.key.startsWith(lower));
    if (matches.length === 0) throw new SwitchyardError('NOT_FOUND', `No cache entry starts with ${lower}`, { key: prefix });
    if (matches.length > 1) throw new SwitchyardError('BAD_INPUT', `${lower} names ${matches.length} entries: give more of the key`, { key: prefix });
    return matches[0]!.key;
  });
}

function withProgress<T>(deps: CacheCommandDeps, work: () => Promise<T>): Promise<T> {
  const stop = deps.onProgress?.((p) => {
    if (p.key !== null) deps.status(`${p.operation} ${p.done}/${p.total} ${p.key.slice(0, SHOWN_KEY_LENGTH)}`);
  });
  return work().finally(() => stop?.());
}

/** `switchyard cache ls`; resolves with the exit code. */
export async function cacheList(flags: { json?: boolean }, deps: CacheCommandDeps): Promise<number> {
  const list = await deps.call<CacheList>('cache.list', {});
  if (flags.json) deps.print(JSON.stringify(list, null, 2));
  else for (const line of formatCacheList(list, (deps.now ?? Date.now)())) deps.print(line);
  return 0;
}

/** `switchyard cache verify [key…]`: 0 when every entry is as stored, 1 when one had changed (it is evicted). */
export async function cacheVerify(keys: readonly string[], flags: { json?: boolean }, deps: CacheCommandDeps): Promise<number> {
  const chosen = keys.length > 0 ? resolveKeys(keys, (await deps.call<CacheList>('cache.list', {})).entries) : undefined;
  const results = await withProgress(deps, () => deps.call<CacheVerifyResult[]>('cache.verify', chosen ? { keys: chosen } : {}));
  if (flags.json) deps.print(JSON.stringify(results, null, 2));
  else {
    for (const r of results) deps.print(r.ok ? `ok       ${r.key}` : `changed  ${r.key}: ${r.problem} (evicted)`);
    const bad = results.filter((r) => !r.ok).length;
    deps.print(`${results.length} verified, ${bad} changed${bad > 0 ? ' and evicted' : ''}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

/** `switchyard cache evict <key…>`. */
export async function cacheEvict(keys: readonly string[], flags: { json?: boolean }, deps: CacheCommandDeps): Promise<number> {
  const chosen = resolveKeys(keys, (await deps.call<CacheList>('cache.list', {})).entries);
  const { evicted } = await withProgress(deps, () => deps.call<{ evicted: string[] }>('cache.evict', { keys: chosen }));
  if (flags.json) deps.print(JSON.stringify({ evicted }, null, 2));
  else deps.print(`evicted ${evicted.length}: ${evicted.join(', ')}`);
  return 0;
}

/** `switchyard cache clear`. */
export async function cacheClear(flags: { json?: boolean }, deps: CacheCommandDeps): Promise<number> {
  const { removed } = await withProgress(deps, () => deps.call<{ removed: number }>('cache.clear', {}));
  if (flags.json) deps.print(JSON.stringify({ removed }, null, 2));
  else deps.print(`removed ${removed} entr${removed === 1 ? 'y' : 'ies'}`);
  return 0;
}
