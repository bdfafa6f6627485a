// Time to a ready worktree (no dependencies, no setup script) for a repository of 10,000 files,
// against plain `git worktree add` of the same repository, measured in the same run, interleaved.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { median, type Suite } from '../harness';

/** Files in the benchmark repository, as the issue states. */
const FILE_COUNT = 10_000;
/** Files per folder: a realistic tree, not one flat folder. */
const FILES_PER_FOLDER = 100;
/** Measured rounds of each; the first round of each is a warm-up and not counted. */
const ROUNDS = 9;

const run = promisify(execFile);

function makeRepository(dir: string): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
  git(['init', '-q', '-b', 'main']);
  for (let i = 0; i < FILE_COUNT; i++) {
    const folder = join(dir, 'src', `module-${Math.floor(i / FILES_PER_FOLDER)}`);
    if (i % FILES_PER_FOLDER === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file-${i}.ts`), `export const value${i} = ${i};\n// ${'x'.repeat(i % 200)}\n`);
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'ten thousand files']);
  return git(['rev-parse', 'HEAD']);
}

const suite: Suite = {
  name: 'worktree',
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-worktree-'));
    const repo = join(work, 'repo');
    mkdirSync(repo);
    const core = createCore({ dataDir: join(work, 'data'), mode: 'browser', log: memoryLogger() });
    try {
      const head = makeRepository(repo);
      const project = await core.projects.add(repo);
      const plainRoot = join(work, 'plain');
      mkdirSync(plainRoot);
      const plain: number[] = [];
      const ours: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        const path = join(plainRoot, `wt-${round}`);
        let start = performance.now();
        await run('git', ['worktree', 'add', '-q', '-b', `plain-${round}`, path, head], { cwd: repo });
        const plainMs = performance.now() - start;
        await run('git', ['worktree', 'remove', '--force', path], { cwd: repo });

        const task = core.tasks.create({ projectId: project.id, title: `Bench task ${round}`, prompt: '', status: 'ready', priority: 'normal', phase: null });
        start = performance.now();
        await core.worktrees.create({ taskId: task.id });
        const oursMs = performance.now() - start;
        await core.worktrees.remove(task.id);

        if (round > 0) {
          plain.push(plainMs);
          ours.push(oursMs);
        }
      }
      return [
        {
          name: 'worktree: ready worktree, 10,000 files',
          value: Number(median(ours).toFixed(1)),
          unit: 'ms',
          baseline: 'git worktree add',
          baselineValue: Number(median(plain).toFixed(1)),
          better: 'lower',
          target: '≤ 1.2×',
        },
      ];
    } finally {
      await core.dispose();
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
