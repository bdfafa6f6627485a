import { copyFile, link, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheStrategy, PlacementStrategy } from '../../../shared/contract/cache';
import { placeTree, stagingPath } from './treePlacement';

/**
 * Size of the file the probe places each way (bytes): large enough that a copy costs measurably
 * more than a clone or a link, small enough that the probe stays far under a millisecond budget
 * on any disk.
 */
const PROBE_FILE_BYTES = 1024 * 1024;

/** Times each way is tried; the fastest counts. */
const PROBE_TRIALS = 3;

/** The strategy a hydration uses and the sentence that says why, as shown to the user. */
export interface StrategyChoice {
  strategy: PlacementStrategy;
  reason: string;
}

/** What the probe found between a cache and a worktree folder. */
export interface ProbeResult {
  clone: { works: boolean; ms: number; why?: string };
  hardlink: { works: boolean; ms: number; why?: string };
  copy: { ms: number };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

function why(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}

/**
 * Places one file from the new folder `work` into `targetDir` by clone, hardlink and copy, and
 * times each (the fastest of a few tries). `targetDir` must exist; `work` and the probe's files are removed again.
 */
export async function probePlacement(work: string, targetDir: string): Promise<ProbeResult> {
  await mkdir(work, { recursive: true });
  const source = join(work, 'source');
  await writeFile(source, Buffer.alloc(PROBE_FILE_BYTES, 1));
  const targets: string[] = [];
  const target = () => {
    const path = stagingPath(join(targetDir, 'probe'));
    targets.push(path);
    return path;
  };
  try {
    // Each way several times, interleaved, keeping the fastest: one sample on a busy machine may
    // be a wait for the CPU rather than the cost of the operation.
    const best = (samples: { ms: number; error?: unknown }[]) => ({
      ms: Math.min(...samples.map((t) => t.ms)),
      error: samples.find((t) => t.error !== undefined)?.error,
    });
    const clones: { ms: number; error?: unknown }[] = [];
    const hardlinks: { ms: number; error?: unknown }[] = [];
    const copies: { ms: number; error?: unknown }[] = [];
    for (let trial = 0; trial < PROBE_TRIALS; trial++) {
      if (clones.every((t) => t.error === undefined)) clones.push(await timed(() => placeTree(source, target(), 'clone')));
      if (hardlinks.every((t) => t.error === undefined)) {
        const hardlinkTarget = target();
        hardlinks.push(
          await timed(async () => {
            await link(source, hardlinkTarget);
            if ((await stat(hardlinkTarget)).nlink < 2) throw new Error('the link did not share the file');
          }),
        );
      }
      copies.push(await timed(() => copyFile(source, target())));
    }
    const clone = best(clones);
    const hardlink = best(hardlinks);
    const copy = best(copies);
    return {
      clone: { works: clone.error === undefined, ms: clone.ms, ...(clone.error !== undefined ? { why: why(clone.error) } : {}) },
      hardlink: { works: hardlink.error === undefined, ms: hardlink.ms, ...(hardlink.error !== undefined ? { why: why(hardlink.error) } : {}) },
      copy: { ms: copy.ms },
    };
  } finally {
    await Promise.all([work, ...targets].map((path) => rm(path, { recursive: true, force: true })));
  }
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/**
 * The strategy for a setting and a probe. `auto` takes a copy-on-write clone where it works (no
 * file is shared), else hardlinks where they work and beat a copy, else a copy. An explicit
 * choice that this filesystem cannot do falls back to a copy and says so.
 */
export function chooseStrategy(setting: Exclude<CacheStrategy, 'off'>, probe: ProbeResult): StrategyChoice {
  const copyTime = `a copy took ${ms(probe.copy.ms)} for 1 MiB`;
  if (setting === 'copy') return { strategy: 'copy', reason: `copy, as set (${copyTime})` };
  if (setting === 'clone') {
    return probe.clone.works
      ? { strategy: 'clone', reason: `reflink clone, as set (${ms(probe.clone.ms)}; ${copyTime})` }
      : { strategy: 'copy', reason: `clone is set but this filesystem cannot clone (${probe.clone.why}): copy instead` };
  }
  if (setting === 'hardlink') {
    return probe.hardlink.works
      ? { strategy: 'hardlink', reason: `hardlinks, as set (${ms(probe.hardlink.ms)}; ${copyTime})` }
      : { strategy: 'copy', reason: `hardlink is set but the cache and the worktree cannot share files (${probe.hardlink.why}): copy instead` };
  }
  if (probe.clone.works) return { strategy: 'clone', reason: `auto: this filesystem clones copy-on-write (${ms(probe.clone.ms)}; ${copyTime})` };
  if (probe.hardlink.works && probe.hardlink.ms < probe.copy.ms) {
    return {
      strategy: 'hardlink',
      reason: `auto: no reflink clone here (${probe.clone.why}); hardlinks from read-only entries, verified before reuse (${ms(probe.hardlink.ms)}; ${copyTime})`,
    };
  }
  return {
    strategy: 'copy',
    reason: `auto: no reflink clone (${probe.clone.why}) and ${probe.hardlink.works ? 'hardlinks are not faster' : `no hardlinks (${probe.hardlink.why})`}: copy`,
  };
}
