import { appendFileSync, chmodSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorktreeActivity } from '../../shared/contract';
import { call } from '../worktrees/fixture';
import { cachedProject, runIn, sealedSnapshot, treeSnapshot } from './cacheFixture';

describe('dependency cache hydration', () => {
  it('installs on a miss, stores the folder after the script, and hydrates the next worktree with links and exec bits intact', async () => {
    const { core, project, create, installs } = await cachedProject();
    const first = await create('first');
    expect(installs()).toBe(1);
    await core.cache.idle();
    const [entry] = await core.cache.list();
    expect(entry).toMatchObject({ folder: 'node_modules', lockfiles: ['package-lock.json'], hits: 0 });

    // The second worktree's script still runs, but finds node_modules already there.
    const second = await create('second');
    const modules = join(second.path, 'node_modules');
    const installed = treeSnapshot(join(first.path, 'node_modules'));
    // Hardlinks share the entry's read-only files; a clone or a copy has its own, writable again.
    const { strategy } = await core.cache.strategyFor(project, join(second.path, '..'));
    expect(treeSnapshot(modules)).toBe(strategy === 'hardlink' ? sealedSnapshot(installed) : installed);
    expect(statSync(join(modules, 'tool/bin/tool.js')).mode & 0o111).toBe(0o111);
    expect(runIn(second.path, join(modules, '.bin/tool'), [])).toBe('tool');
    expect((await core.cache.list())[0]).toMatchObject({ hits: 1, projects: [expect.any(String)] });
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: second.taskId });
    const hydrated = activity.find((a) => a.kind === 'setup.hydrate.done');
    expect(hydrated?.message).toMatch(/node_modules from the cache \(auto: .*(clone|hardlink|copy)/);
  });

  it('with copies, an in-place write, a delete and a chmod in one worktree leave the entry and the next worktree as stored', async () => {
    const { core, project, create } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'copy', scope: 'project', projectId: project.id });
    const first = await create('first');
    await core.cache.idle();
    const installed = treeSnapshot(join(first.path, 'node_modules'));
    const stored = sealedSnapshot(installed);
    const hydrated = await create('hydrated');
    const modules = join(hydrated.path, 'node_modules');
    expect(treeSnapshot(modules)).toBe(installed);
    appendFileSync(join(modules, 'lib/index.js'), 'changed in place\n');
    rmSync(join(modules, 'tool/bin/tool.js'));
    chmodSync(join(modules, 'lib/index.js'), 0o600);
    const key = (await core.cache.list())[0]!.key;
    expect(treeSnapshot(core.cache.entries.treeOf(key))).toBe(stored);
    const next = await create('next');
    expect(treeSnapshot(join(next.path, 'node_modules'))).toBe(installed);
    expect(await core.cache.verify(key)).toEqual({ key, ok: true });
  });

  it('with hardlinks, a write or chmod through a link is caught before reuse: the entry is evicted and the next worktree installs afresh', async () => {
    const { core, project, create, installs } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'hardlink', scope: 'project', projectId: project.id });
    const first = await create('first');
    await core.cache.idle();
    const installed = treeSnapshot(join(first.path, 'node_modules'));
    const stored = sealedSnapshot(installed);
    const hydrated = await create('hydrated');
    expect(installs()).toBe(1);
    const modules = join(hydrated.path, 'node_modules');
    expect(statSync(join(modules, 'lib/index.js')).nlink).toBeGreaterThan(1);
    // A delete unlinks only the worktree's name: the entry keeps its file.
    rmSync(join(modules, 'tool/bin/tool.js'));
    const key = (await core.cache.list())[0]!.key;
    expect(treeSnapshot(core.cache.entries.treeOf(key))).toBe(stored);
    chmodSync(join(modules, 'lib/index.js'), 0o600);

    const next = await create('next');
    expect(installs()).toBe(2);
    expect(treeSnapshot(join(next.path, 'node_modules'))).toBe(installed);
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: next.taskId });
    expect(activity.find((a) => a.kind === 'setup.hydrate.done')?.message).toMatch(/lib\/index.js has mode 600.*evicted/);
    // The fresh install is stored again, from a worktree nobody changed.
    await core.cache.idle();
    expect((await core.cache.list()).map((e) => e.key)).toEqual([key]);
    expect(readdirSync(core.cache.entries.stagingDir)).toEqual([]);
  });

  it('with hardlinks, a write-by-rename in one worktree leaves its sibling and the entry as stored; an in-place write is caught and evicted before reuse', async () => {
    const { core, project, create, installs } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'hardlink', scope: 'project', projectId: project.id });
    const first = await create('first');
    await core.cache.idle();
    const installed = treeSnapshot(join(first.path, 'node_modules'));
    const stored = sealedSnapshot(installed);
    const a = await create('a');
    const b = await create('b');
    expect(installs()).toBe(1);
    const key = (await core.cache.list())[0]!.key;
    const aModules = join(a.path, 'node_modules');
    // What npm and pnpm do: write a new file beside it and rename it over the link.
    writeFileSync(join(aModules, 'lib/index.js.tmp'), 'module.exports = 2;\n');
    renameSync(join(aModules, 'lib/index.js.tmp'), join(aModules, 'lib/index.js'));
    expect(readFileSync(join(aModules, 'lib/index.js'), 'utf8')).toBe('module.exports = 2;\n');
    expect(treeSnapshot(join(b.path, 'node_modules'))).toBe(stored);
    expect(treeSnapshot(core.cache.entries.treeOf(key))).toBe(stored);
    expect(await core.cache.verify(key)).toEqual({ key, ok: true });

    // The files' owner can make a linked file writable, write it in place and seal it again (root
    // needs no chmod): the write goes through the shared file, and a verify finds it and evicts.
    const tool = join(aModules, 'tool/bin/tool.js');
    chmodSync(tool, 0o755);
    appendFileSync(tool, '// changed in place\n');
    chmodSync(tool, 0o555);
    expect(await core.cache.verify(key)).toEqual({ key, ok: false, problem: expect.stringMatching(/tool\/bin\/tool\.js/) });
    expect(await core.cache.list()).toEqual([]);
    const next = await create('next');
    expect(installs()).toBe(2);
    expect(treeSnapshot(join(next.path, 'node_modules'))).toBe(installed);
  });

  it('a project strategy override beats the user setting, and removing it restores the user setting', async () => {
    const { core, project, create } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'copy', scope: 'user' });
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'off', scope: 'project', projectId: project.id });
    const off = await create('off');
    const offActivity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: off.taskId });
    expect(offActivity.find((a) => a.kind === 'setup.hydrate.skipped')?.message).toBe('The dependency cache is off for this project');
    await call(core, 'settings.reset', { key: 'cache.strategy', scope: 'project', projectId: project.id });
    const copy = await create('copy');
    const copyActivity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: copy.taskId });
    expect(copyActivity.find((a) => a.kind === 'setup.hydrate.done')?.message).toMatch(/copy, as set/);
  });
});
