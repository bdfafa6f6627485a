import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CacheList } from '../../shared/contract';
import { cachedProject } from '../cache/cacheFixture';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('switchyard cache', () => {
  it('ls, verify, evict and clear the entries of a data folder, as text and as JSON', async () => {
    const { core, project, create } = await cachedProject();
    await create('first');
    await core.cache.idle();
    const dataDir = ['--data-dir', core.dataDir];

    const listed = run(['cache', 'ls', '--json', ...dataDir]);
    expect(listed.status, listed.stderr).toBe(0);
    const list = JSON.parse(listed.stdout) as CacheList;
    expect(list.entries).toEqual([expect.objectContaining({ folder: 'node_modules', hits: 0, projects: [project.name] })]);
    const key = list.entries[0]!.key;
    const text = run(['cache', 'ls', ...dataDir]).stdout;
    expect(text).toMatch(/^1 entries, .* in .*cache/);
    expect(text).toMatch(new RegExp(`${key.slice(0, 12)}\\s+node_modules\\s+\\d+ B\\s+0\\s+(\\d+ s ago|just now)`));

    const verified = run(['cache', 'verify', '--json', ...dataDir]);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toEqual([{ key, ok: true }]);
    expect(verified.stderr).toContain(`verify 1/1 ${key.slice(0, 12)}`);

    appendFileSync(join(core.cache.entries.treeOf(key), 'lib/index.js'), 'changed\n');
    const changed = run(['cache', 'verify', key.slice(0, 8), ...dataDir]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain(`changed  ${key}: lib/index.js`);
    expect((JSON.parse(run(['cache', 'ls', '--json', ...dataDir]).stdout) as CacheList).entries).toEqual([]);

    // A key that is not one, and one that names nothing, are refused with their reason.
    const bad = run(['cache', 'evict', 'zz', ...dataDir]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('BAD_INPUT: "zz" is not a cache key');
    expect(run(['cache', 'evict', 'abcd', ...dataDir]).stderr).toContain('NOT_FOUND: No cache entry starts with abcd');

    await create('second');
    await core.cache.idle();
    const again = (JSON.parse(run(['cache', 'ls', '--json', ...dataDir]).stdout) as CacheList).entries[0]!.key;
    expect(JSON.parse(run(['cache', 'evict', again, '--json', ...dataDir]).stdout)).toEqual({ evicted: [again] });
    await create('third');
    await core.cache.idle();
    const cleared = run(['cache', 'clear', ...dataDir]);
    expect(cleared.stdout.trim()).toBe('removed 1 entry');
    expect(await core.cache.list()).toEqual([]);
  }, 180_000);
});
