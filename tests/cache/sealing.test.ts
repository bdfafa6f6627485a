import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import type { WorktreeActivity } from '../../shared/contract';
import { appRoot } from '../../electron/core/appRoot';
import { tempDir } from '../helpers/tempDir';
import { call } from '../worktrees/fixture';
import { cachedProject, sealedSnapshot, treeSnapshot } from './cacheFixture';

/** The unprivileged user the writes run as when the tests run as root (whom file modes do not stop). */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
/** Why the tests below cannot run here, if they cannot. */
const unprivilegedMissing =
  process.platform !== 'linux' ? 'file modes and hardlinks as on Linux' : asRoot && !hasSetpriv ? 'setpriv, to run as an unprivileged user' : undefined;

/**
 * Runs one file operation as an unprivileged user (nobody when the tests run as root, else this
 * user) in a process of its own, and returns `ok` or the error's code (EACCES, EPERM).
 */
function unprivileged(operation: 'write' | 'replace' | 'delete' | 'chmod', path: string): string {
  const script = `const fs = require('node:fs');
const [operation, path] = process.argv.slice(1);
try {
  if (operation === 'write') fs.appendFileSync(path, 'changed in place\\n');
  if (operation === 'replace') { fs.writeFileSync(path + '.new', 'module.exports = 2;\\n'); fs.renameSync(path + '.new', path); }
  if (operation === 'delete') fs.rmSync(path);
  if (operation === 'chmod') fs.chmodSync(path, 0o644);
  process.stdout.write('ok');
} catch (error) { process.stdout.write(error.code); }`;
  const command = [process.execPath, '-e', script, operation, path];
  const [program, ...args] = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...command] : command;
  const result = spawnSync(program!, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${operation} as an unprivileged user did not run: ${result.stderr}`);
  return result.stdout;
}

/**
 * Makes a worktree's dependency folder the unprivileged user's, as a user's worktree is: the
 * folders above it traversable, its own directories (which no hydration shares) owned by that
 * user. The files stay the cache's, which owns what they are linked to.
 */
function handOver(worktree: string, folder: string): void {
  if (!asRoot) return;
  for (let dir = worktree; dir !== tmpdir() && dir !== dirname(dir); dir = dirname(dir)) chmodSync(dir, (statSync(dir).mode & 0o7777) | 0o001);
  execFileSync('find', [join(worktree, folder), '-type', 'd', '-exec', 'chown', `${NOBODY}:${NOBODY}`, '{}', '+']);
}

/**
 * The eviction fixture built into one file of its own in a folder anyone can read: the user it
 * runs as may not be able to reach this checkout (a clone in a folder only its owner can enter).
 */
async function evictProgram(): Promise<string> {
  const outDir = tempDir('switchyard-evict-');
  chmodSync(outDir, 0o755);
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: join(appRoot(), 'tests', 'fixtures', 'cache-evict-process.ts'),
      outDir,
      target: 'node20',
      minify: false,
      rolldownOptions: { output: { format: 'es', entryFileNames: 'evict.mjs' } },
    },
  });
  const program = join(outDir, 'evict.mjs');
  chmodSync(program, 0o644);
  return program;
}

/** A project with hardlink hydration, its entry as stored, and two worktrees hydrated from it. */
async function twoLinkedWorktrees() {
  const context = await cachedProject();
  const { core, project, create } = context;
  await call(core, 'settings.set', { key: 'cache.strategy', value: 'hardlink', scope: 'project', projectId: project.id });
  const first = await create('first');
  await core.cache.idle();
  const stored = sealedSnapshot(treeSnapshot(join(first.path, 'node_modules')));
  const a = await create('a');
  const b = await create('b');
  const [entry] = await core.cache.list();
  const tree = core.cache.entries.treeOf(entry!.key);
  expect(treeSnapshot(tree)).toBe(stored);
  expect(treeSnapshot(join(b.path, 'node_modules'))).toBe(stored);
  handOver(a.path, 'node_modules');
  const unchanged = () => {
    expect(treeSnapshot(tree)).toBe(stored);
    expect(treeSnapshot(join(b.path, 'node_modules'))).toBe(stored);
  };
  return { ...context, key: entry!.key, stored, modules: join(a.path, 'node_modules'), unchanged };
}

describe.skipIf(unprivilegedMissing !== undefined)(
  `a hardlinked worktree, to an unprivileged user${unprivilegedMissing ? ` (skipped: needs ${unprivilegedMissing})` : ''}`,
  () => {
    it('refuses a write in place with EACCES, while a write by rename and a delete change only that worktree', async () => {
      const { core, key, stored, modules, unchanged, create, installs } = await twoLinkedWorktrees();
      const lib = join(modules, 'lib/index.js');
      const tool = join(modules, 'tool/bin/tool.js');
      expect(statSync(lib).nlink).toBe(3);
      expect(statSync(tool).mode & 0o777).toBe(0o555);

      expect(unprivileged('write', lib)).toBe('EACCES');
      expect(unprivileged('write', tool)).toBe('EACCES');
      expect(treeSnapshot(modules)).toBe(stored);
      unchanged();

      // What npm, pnpm and editors do: a new file beside it, renamed over the link.
      expect(unprivileged('replace', lib)).toBe('ok');
      expect(readFileSync(lib, 'utf8')).toBe('module.exports = 2;\n');
      expect(statSync(lib).nlink).toBe(1);
      unchanged();

      expect(unprivileged('delete', tool)).toBe('ok');
      expect(existsSync(tool)).toBe(false);
      unchanged();

      // The entry is as it was stored: verify passes on it, and the next worktree gets it.
      expect(await core.cache.verify(key)).toEqual({ key, ok: true });
      const next = await create('next');
      expect(treeSnapshot(join(next.path, 'node_modules'))).toBe(stored);
      expect(installs()).toBe(1);
    });

    it.skipIf(!asRoot)('refuses a chmod of a linked file with EPERM to anyone but its owner', async () => {
      const { modules, stored, unchanged } = await twoLinkedWorktrees();
      expect(unprivileged('chmod', join(modules, 'lib/index.js'))).toBe('EPERM');
      expect(unprivileged('chmod', join(modules, 'tool/bin/tool.js'))).toBe('EPERM');
      expect(treeSnapshot(modules)).toBe(stored);
      unchanged();
    });

    it('lets the cache remove a sealed entry that its owner stored', async () => {
      const { core, key } = await twoLinkedWorktrees();
      const root = core.cache.entries.root;
      if (asRoot) {
        // A cache as a user's is: every folder and file theirs, under folders they can traverse.
        for (let dir = dirname(root); dir !== tmpdir() && dir !== dirname(dir); dir = dirname(dir)) chmodSync(dir, (statSync(dir).mode & 0o7777) | 0o001);
        execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, root]);
      }
      const command = [process.execPath, await evictProgram(), root, key];
      const [program, ...args] = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...command] : command;
      const result = spawnSync(program!, args, { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, HOME: tmpdir() } });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({ entries: [] });
      expect(readdirSync(core.cache.entries.entriesDir)).toEqual([]);
      expect(readdirSync(core.cache.entries.stagingDir)).toEqual([]);
    });
  },
);

describe('a cache entry stored before entries were sealed', () => {
  it('is evicted at its first hardlink hydration, and the fresh install is stored sealed', async () => {
    const { core, project, create, installs } = await cachedProject();
    await call(core, 'settings.set', { key: 'cache.strategy', value: 'hardlink', scope: 'project', projectId: project.id });
    await create('first');
    await core.cache.idle();
    const [entry] = await core.cache.list();
    expect(entry).toMatchObject({ sealed: true });
    // As an older version wrote it: no seal recorded, the files writable.
    const { sealed: _sealed, ...older } = entry!;
    writeFileSync(join(core.cache.entries.entriesDir, entry!.key, 'entry.json'), JSON.stringify(older));
    execFileSync('chmod', ['-R', 'u+w', core.cache.entries.treeOf(entry!.key)]);

    const next = await create('next');
    expect(installs()).toBe(2);
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: next.taskId });
    expect(activity.find((a) => a.kind === 'setup.hydrate.done')?.message).toMatch(/stored with writable files and was evicted/);
    await core.cache.idle();
    expect(await core.cache.list()).toEqual([expect.objectContaining({ key: entry!.key, sealed: true })]);
    expect(statSync(join(core.cache.entries.treeOf(entry!.key), 'lib/index.js')).mode & 0o777).toBe(0o444);
  });
});
