import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorktreeActivity } from '../../shared/contract';
import { appRoot } from '../../electron/core/appRoot';
import { makeCore } from '../helpers/core';
import { tempDir } from '../helpers/tempDir';
import { call } from '../worktrees/fixture';
import { cachedProject, treeSnapshot } from './cacheFixture';

const fixture = join(appRoot(), 'tests', 'fixtures', 'cache-hydrate-process.ts');

/** The staging trees beside a worktree's dependency folders. */
const stagingIn = (path: string) => readdirSync(path).filter((name) => name.includes('.switchyard-'));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the staging folders of a hydration', () => {
  it('are gone after a hydration that worked and after one that failed part-way, which leaves the install to the setup script', async () => {
    const { core, project, create, installs } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'hardlink', scope: 'project', projectId: project.id });
    const first = await create('first');
    await core.cache.idle();
    const stored = treeSnapshot(join(first.path, 'node_modules'));
    const linked = await create('linked');
    expect(stagingIn(linked.path)).toEqual([]);
    expect(installs()).toBe(1);

    // One file of the entry that cannot be linked: cp has linked part of the tree when it fails.
    const key = (await core.cache.list())[0]!.key;
    const stuck = join(core.cache.entries.treeOf(key), 'tool/bin/tool.js');
    const asRoot = process.getuid?.() === 0;
    const refuse = () => (asRoot ? execFileSync('chattr', ['+i', stuck]) : chmodSync(join(stuck, '..'), 0o000));
    const allow = () => (asRoot ? execFileSync('chattr', ['-i', stuck]) : chmodSync(join(stuck, '..'), 0o755));
    refuse();
    let failed;
    try {
      failed = await create('failed');
    } finally {
      allow();
    }
    expect(stagingIn(failed.path)).toEqual([]);
    expect(installs()).toBe(2);
    expect(treeSnapshot(join(failed.path, 'node_modules'))).toBe(stored);
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: failed.taskId });
    expect(activity.find((a) => a.kind === 'setup.hydrate.done')?.message).toMatch(
      /node_modules: could not be placed from the cache \(.*(not permitted|Permission denied).*\), the setup script installs it/,
    );
  });

  it('that a killed process left in a worktree are removed when the app starts again', async () => {
    const { core, create } = await cachedProject();
    await create('first');
    await core.cache.idle();
    const second = await create('second');
    rmSync(join(second.path, 'node_modules'), { recursive: true });

    // cp as the system has it, then a pause before the rename: the process is killed in that pause.
    const bin = tempDir('switchyard-slow-cp-');
    const marker = join(bin, 'copied');
    const realCp = execFileSync('sh', ['-c', 'command -v cp'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(bin, 'cp'),
      `#!/bin/sh\nfor last; do :; done\n"${realCp}" "$@" || exit $?\ncase "$last" in */.node_modules.switchyard-*) : > "${marker}"; exec sleep 600;; esac\n`,
      { mode: 0o755 },
    );
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, core.dataDir, second.path], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => existsSync(marker), 'the hydrating process to copy the tree');
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    const left = stagingIn(second.path);
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.node_modules\\.switchyard-${child.pid}-[0-9a-f]{12}$`))]);
    expect(existsSync(join(second.path, 'node_modules'))).toBe(false);

    const restarted = makeCore(core.dataDir);
    await restarted.cache.idle();
    expect(stagingIn(second.path)).toEqual([]);
    expect(restarted.log.lines).toContain('removed 1 unfinished dependency folder(s) that an earlier run left in worktrees');
  });
});
