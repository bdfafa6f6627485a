import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../appRoot';

/**
 * Starts one of the host's worker threads by the name of its module in this folder: the bundle in
 * dist/node when running built, else (tests, tsx) the TypeScript source through tsx's loader,
 * registered inside the worker before the source is imported.
 */
export function startWorker(name: 'mirrorWorker' | 'transcriptWorker', workerData?: unknown): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const source = JSON.stringify(new URL(`./${name}.ts`, import.meta.url).href);
    return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`, {
      eval: true,
      workerData,
    });
  }
  const bundled = join(appRoot(), 'dist', 'node', `${name}.js`);
  if (!existsSync(bundled)) throw new Error(`worker not built: ${bundled}`);
  return new Worker(bundled, { workerData });
}
