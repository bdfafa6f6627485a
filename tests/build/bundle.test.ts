import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';

/**
 * The most JavaScript the first screen (the board) may load before it shows, in bytes: the entry
 * chunk and every chunk index.html preloads. Measured 358 kB once xterm.js loaded with the first
 * terminal pane and the board took its task kinds and browser-mode names from zod-free modules
 * (991 kB before, 1,147 kB before the other views and dialogs were split off); most of what is
 * left is React DOM, dnd-kit and the board.
 */
const ENTRY_BUDGET_BYTES = 376_000;
/**
 * Packages only views other than the board use: they must never be in what the first screen
 * loads. xterm.js and its addons come with the first terminal pane that opens; zod with the first
 * view that validates (settings), since the renderer checks nothing the core sends. A value the
 * board imports from shared/contract or shared/protocol brings every schema, and zod, back: take
 * it from a zod-free module such as shared/contract/taskKinds.ts or shared/browserAuth.ts.
 */
const LATER_PACKAGES = ['@xyflow/', 'dagre', 'uplot', '@xterm/', 'zod'];

const rendererDir = join(appRoot(), 'dist', 'renderer');

/** The chunks index.html loads eagerly: its module script and its modulepreload links. */
function eagerChunks(): string[] {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  return [...scripts, ...preloads].map((src) => join(rendererDir, src));
}

describe('the renderer bundle', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
  }, 120_000);

  it('loads no more than the budget before the board shows', () => {
    const chunks = eagerChunks();
    expect(chunks.length, 'index.html names at least its entry chunk').toBeGreaterThan(0);
    const sizes = Object.fromEntries(chunks.map((file) => [file.slice(rendererDir.length + 1), statSync(file).size]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    expect(total, `eager chunks ${JSON.stringify(sizes)}`).toBeLessThanOrEqual(ENTRY_BUDGET_BYTES);
  });

  it('keeps the graph, the usage charts and the terminal out of what the first screen loads', () => {
    const chunks = eagerChunks().filter((file) => file.endsWith('.js'));
    expect(chunks.length, 'index.html loads at least its entry script').toBeGreaterThan(0);
    for (const chunk of chunks) {
      const sources: string[] = JSON.parse(readFileSync(`${chunk}.map`, 'utf8')).sources;
      const early = sources.filter((source) => LATER_PACKAGES.some((name) => source.includes(`node_modules/${name}`)));
      expect(early, `modules of ${LATER_PACKAGES.join(', ')} bundled into ${chunk}`).toEqual([]);
    }
  });
});
