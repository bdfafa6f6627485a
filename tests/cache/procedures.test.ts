import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CacheList, CacheStrategyChoice, CacheVerifyResult } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { call, collect, fails } from '../worktrees/fixture';
import { cachedProject } from './cacheFixture';

describe('the cache procedures', () => {
  it('list an entry with its size, hits, last use and projects; verify, evict and clear it with progress', async () => {
    const { core, project, create } = await cachedProject();
    await create('first');
    await core.cache.idle();
    await create('second');
    const list = await call<CacheList>(core, 'cache.list', {});
    expect(list.location).toBe(join(core.dataDir, 'cache'));
    expect(list.entries).toHaveLength(1);
    const [entry] = list.entries;
    expect(entry).toMatchObject({ folder: 'node_modules', hits: 1, projects: [project.name], pinned: false });
    expect(entry!.sizeBytes).toBeGreaterThan(0);
    expect(list.totalBytes).toBe(entry!.sizeBytes);
    expect(Date.now() - entry!.lastUsedAt).toBeLessThan(60_000);

    const progress = collect(core, 'cache.progress');
    expect(await call<CacheVerifyResult[]>(core, 'cache.verify', {})).toEqual([{ key: entry!.key, ok: true }]);
    expect(progress).toEqual([
      { operation: 'verify', done: 0, total: 1, key: null },
      { operation: 'verify', done: 1, total: 1, key: entry!.key },
    ]);

    // A write inside the stored tree (as a tool writing through a hardlink would): verify finds it and evicts.
    appendFileSync(join(core.cache.entries.treeOf(entry!.key), 'lib/index.js'), 'changed\n');
    const [changed] = await call<CacheVerifyResult[]>(core, 'cache.verify', { keys: [entry!.key] });
    expect(changed).toMatchObject({ key: entry!.key, ok: false, problem: expect.stringContaining('lib/index.js') });
    expect((await call<CacheList>(core, 'cache.list', {})).entries).toEqual([]);

    // Stored again by the next worktree's install, then evicted by key, then cleared.
    await create('third');
    await core.cache.idle();
    const [again] = (await call<CacheList>(core, 'cache.list', {})).entries;
    expect(await call(core, 'cache.evict', { keys: [again!.key] })).toEqual({ evicted: [again!.key] });
    await create('fourth');
    await core.cache.idle();
    progress.length = 0;
    expect(await call(core, 'cache.clear', {})).toEqual({ removed: 1 });
    expect(progress.map((p) => `${p.operation} ${p.done}/${p.total}`)).toEqual(['clear 0/1', 'clear 1/1']);
    expect((await call<CacheList>(core, 'cache.list', {})).entries).toEqual([]);
  });

  it('say which strategy a project gets and why, following its override', async () => {
    const { core, project } = await cachedProject();
    const auto = await call<CacheStrategyChoice>(core, 'cache.strategy', { projectId: project.id });
    expect(auto.setting).toBe('auto');
    expect(auto.reason).toMatch(/^auto: /);
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'copy', scope: 'project', projectId: project.id });
    expect(await call(core, 'cache.strategy', { projectId: project.id })).toMatchObject({ setting: 'copy', strategy: 'copy', reason: expect.stringMatching(/^copy, as set/) });
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'off', scope: 'project', projectId: project.id });
    expect(await call(core, 'cache.strategy', { projectId: project.id })).toMatchObject({ setting: 'off', strategy: null });
  });

  it('refuse a key that is not one, naming the field, and an unknown project', async () => {
    const { core } = await cachedProject();
    const bad = await fails(core, 'cache.evict', { keys: ['../../etc'] });
    expect(bad.code).toBe('BAD_INPUT');
    expect(bad.message).toContain('keys');
    expect((await fails(core, 'cache.strategy', { projectId: 'no-such-project' })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'cache.verify', { keys: ['0123456789abcdef0123'] })).code).toBe('NOT_FOUND');
  });
});

describe('the cache at start', () => {
  it('removes half-written entries and folders that a crashed process left in staging, and keeps those of a running one', async () => {
    const dataDir = (await cachedProject()).core.dataDir;
    const staging = join(dataDir, 'cache', 'staging');
    // A process that has ended: its id names the leftovers, as this app's staging folders are named.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const halfWritten = join(staging, `${gone}-0123456789abcdef-aaaaaa`, 'tree', 'pkg');
    mkdirSync(halfWritten, { recursive: true });
    writeFileSync(join(halfWritten, 'index.js'), 'half');
    mkdirSync(join(staging, `${gone}-evicted-0123456789abcdef-bbbbbb`, 'tree'), { recursive: true });
    mkdirSync(join(staging, 'not-ours-at-all'));
    const running = join(staging, `${process.pid}-fedcba9876543210-cccccc`);
    mkdirSync(running);

    const core = makeCore(dataDir);
    await core.cache.idle();
    expect(readdirSync(staging)).toEqual([running.split('/').pop()]);
    expect(await core.cache.list()).toEqual([]);
    expect(core.log.lines).toContain('removed 3 unfinished cache folder(s) left by an earlier run');
  });
});

const canMount = process.platform === 'linux' && process.getuid?.() === 0 &&
  spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s']).status === 0;

describe.skipIf(!canMount)('a populate on a full disk', () => {
  it('leaves no entry, nothing in staging, and says the disk is full', async () => {
    const context = await cachedProject();
    const { core, project, create } = context;
    // A cache on a 1.5 MiB filesystem: room for the strategy probe's 1 MiB, not for a 2 MiB dependency.
    const location = join(core.dataDir, 'small-cache');
    mkdirSync(location);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', location]);
    try {
      await call(core, 'settings.set', { key: 'cache.location', value: location, scope: 'user' });
      await call(core, 'settings.set', {
        key: 'worktrees.setupScript',
        value: 'test -d node_modules || { mkdir -p node_modules/big && head -c 2097152 /dev/zero > node_modules/big/blob.bin; }',
        scope: 'project',
        projectId: project.id,
      });
      const worktree = await create('too big');
      expect(existsSync(join(worktree.path, 'node_modules/big/blob.bin'))).toBe(true);
      await core.cache.idle();
      expect(core.log.lines).toContain('warn: The dependency cache could not store node_modules: the disk is full');
      expect(await core.cache.list()).toEqual([]);
      expect(readdirSync(join(location, 'staging'))).toEqual([]);
      expect(existsSync(join(location, 'entries'))).toBe(false);
    } finally {
      await core.cache.idle();
      execFileSync('umount', [location]);
    }
  });
});
