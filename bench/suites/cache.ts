// The dependency cache on a real dependency tree: a temp project holding this repository's own
// package.json and package-lock.json. In one run: the time to hydrate a worktree's node_modules
// against `npm ci` and `npm install --prefer-offline` (warm npm cache) and against `cp -al` of the
// same tree, and the disk used by ten hydrated worktrees against ten installs, counted by one `du`
// over all ten folders together, so blocks they share are counted once. Also the time to store
// (populate) the tree against a plain `cp -a` of it, and what sealing the entry's files read-only
// costs of that.
//
// Every install runs with --ignore-scripts (this repository's postinstall builds native modules
// for Electron, which is not what is measured), the same for the install that fills the cache.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createCore } from '../../electron/core/app';
import { appRoot } from '../../electron/core/appRoot';
import { sealFiles } from '../../electron/core/cache/treeSeal';
import { memoryLogger } from '../../electron/core/log';
import { median, type Suite } from '../harness';

/** Measured hydrations and `cp -al` copies, interleaved; the first of each is a warm-up, not counted. */
const ROUNDS = 7;
/** Measured populates of the tree, each beside a `cp -a` and a seal of a copy, interleaved. */
const POPULATE_ROUNDS = 3;
/** Worktrees whose disk use is compared, as the issue states. */
const WORKTREES = 10;
/** An install of a few hundred packages from the registry may take minutes on a shared machine (ms). */
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const INSTALL_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];

const run = promisify(execFile);

/** A folder holding only the project's manifest and lockfile, as a fresh checkout would. */
function checkout(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const name of ['package.json', 'package-lock.json']) copyFileSync(join(appRoot(), name), join(dir, name));
  return dir;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function npm(cwd: string, args: string[]): Promise<number> {
  return timed(() => run('npm', [...args, ...INSTALL_FLAGS], { cwd, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }));
}

/** Kilobytes used by the folders together (`du -sk -c`: a block linked from several is counted once). */
function diskKb(paths: string[]): number {
  const out = execFileSync('du', ['-skc', ...paths], { encoding: 'utf8' }).trim().split('\n');
  return Number(out[out.length - 1]!.split('\t')[0]);
}

const suite: Suite = {
  name: 'cache',
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-cache-'));
    const repo = checkout(join(work, 'repo'));
    const git = (args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
    git(['init', '-q', '-b', 'main']);
    git(['add', '-A']);
    git(['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'the lockfile']);
    const core = createCore({ dataDir: join(work, 'data'), mode: 'browser', log: memoryLogger() });
    try {
      const project = await core.projects.add(repo);
      core.settings.set('worktrees.setupScript', `npm ci ${INSTALL_FLAGS.join(' ')}`, 'project', project.id);
      // The first worktree misses, installs through its setup script, and fills the cache.
      const task = core.tasks.create({ projectId: project.id, title: 'fill the cache', prompt: '', status: 'ready', priority: 'normal', phase: null });
      const first = await core.worktrees.create({ taskId: task.id });
      await core.cache.idle();
      const [entry] = await core.cache.list();
      if (!entry) throw new Error('the first worktree did not populate the cache');
      const root = join(first.path, '..');

      // Storing the tree again, as after a miss: copy, seal, manifest with content hashes, digest.
      const populateMs: number[] = [];
      const plainCopyMs: number[] = [];
      const sealMs: number[] = [];
      const installed = join(first.path, 'node_modules');
      for (let round = 0; round < POPULATE_ROUNDS; round++) {
        const copy = join(root, `cp-a-${round}`);
        plainCopyMs.push(await timed(() => run('cp', ['-a', '--reflink=never', installed, copy])));
        sealMs.push(await timed(() => sealFiles(copy)));
        rmSync(copy, { recursive: true, force: true });
        await core.cache.evict(entry.key);
        const path = checkout(join(root, `populated-${round}`));
        await core.cache.hydrate(path, project);
        await run('cp', ['-al', installed, join(path, 'node_modules')]);
        populateMs.push(
          await timed(async () => {
            const stored = await core.cache.populateNow(path, project);
            if (stored.length !== 1) throw new Error('the populate stored nothing');
          }),
        );
        rmSync(path, { recursive: true, force: true });
      }
      const tree = core.cache.entries.treeOf(entry.key);
      const strategy = await core.cache.strategyFor(project, root);
      console.log(`  strategy: ${strategy.reason}; entry ${(entry.sizeBytes / 2 ** 20).toFixed(0)} MiB`);

      const npmCiMs = await npm(checkout(join(work, 'install-ci')), ['ci']);
      const npmInstallMs = await npm(checkout(join(work, 'install-offline')), ['install', '--prefer-offline']);

      const hydrated: string[] = [];
      const hydrateMs: number[] = [];
      const copyMs: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        const copy = join(root, `cp-al-${round}`);
        const copyTime = await timed(() => run('cp', ['-al', tree, copy]));
        rmSync(copy, { recursive: true, force: true });
        const path = checkout(join(root, `hydrated-${round}`));
        const hydrateTime = await timed(async () => {
          const said = await core.cache.hydrate(path, project);
          if (typeof said !== 'string' || !said.includes('node_modules from the cache')) throw new Error(`no hydration: ${JSON.stringify(said)}`);
        });
        hydrated.push(path);
        if (round === 0) continue;
        copyMs.push(copyTime);
        hydrateMs.push(hydrateTime);
      }
      while (hydrated.length < WORKTREES) {
        const path = checkout(join(root, `hydrated-${hydrated.length}`));
        await core.cache.hydrate(path, project);
        hydrated.push(path);
      }
      // Ten installs: the two timed above and eight more, each its own files as an install writes them.
      const installs = [join(work, 'install-ci'), join(work, 'install-offline')];
      for (let i = installs.length; i < WORKTREES; i++) {
        const path = join(work, `install-${i}`);
        execFileSync('cp', ['-a', '--reflink=never', join(work, 'install-ci'), path]);
        installs.push(path);
      }
      const hydratedKb = diskKb([tree, ...hydrated.slice(0, WORKTREES).map((p) => join(p, 'node_modules'))]);
      const installsKb = diskKb(installs.map((p) => join(p, 'node_modules')));

      const hydrate = median(hydrateMs);
      return [
        { name: 'cache: hydrate node_modules vs npm ci', value: hydrate, unit: 'ms', baseline: 'npm ci (warm npm cache)', baselineValue: npmCiMs, better: 'lower', target: '≤ 0.05×' },
        {
          name: 'cache: hydrate node_modules vs npm install --prefer-offline',
          value: hydrate,
          unit: 'ms',
          baseline: 'npm install --prefer-offline',
          baselineValue: npmInstallMs,
          better: 'lower',
          target: '≤ 0.05×',
        },
        { name: `cache: hydrate node_modules (${strategy.strategy}) vs cp -al`, value: hydrate, unit: 'ms', baseline: 'cp -al of the entry', baselineValue: median(copyMs), better: 'lower', target: '≤ 1.5×' },
        {
          name: 'cache: populate node_modules (copy, seal, manifest) vs cp -a',
          value: median(populateMs),
          unit: 'ms',
          baseline: 'cp -a --reflink=never of the tree',
          baselineValue: median(plainCopyMs),
          better: 'lower',
        },
        {
          name: 'cache: seal the files of a copy of node_modules read-only, of a populate',
          value: median(sealMs),
          unit: 'ms',
          baseline: 'populate node_modules',
          baselineValue: median(populateMs),
          better: 'lower',
        },
        {
          name: 'cache: disk of ten hydrated worktrees (with the entry) vs ten installs',
          value: hydratedKb / 1024,
          unit: 'MiB',
          baseline: 'ten installs',
          baselineValue: installsKb / 1024,
          better: 'lower',
        },
      ];
    } finally {
      await core.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
