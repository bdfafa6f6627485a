import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { appRoot } from './appRoot';

/** The core's worker threads: each is bundled as dist/node/<name>.js from its module here. */
const WORKER_SOURCES = {
  mirrorWorker: './sessions/mirrorWorker.ts',
  transcriptWorker: './sessions/transcriptWorker.ts',
  planParseWorker: './plans/planParseWorker.ts',
  manifestWorker: './cache/manifestWorker.ts',
} as const;

export type WorkerName = keyof typeof WORKER_SOURCES;

/**
 * Starts one of the core's worker threads by name: the bundle in dist/node when running built,
 * else (tests, tsx) the TypeScript source through tsx's loader, registered inside the worker
 * before the source is imported.
 */
export function startWorker(name: WorkerName, workerData?: unknown, resourceLimits?: ResourceLimits): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const source = JSON.stringify(new URL(WORKER_SOURCES[name], import.meta.url).href);
    return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`, {
      eval: true,
      workerData,
      resourceLimits,
    });
  }
  const bundled = join(appRoot(), 'dist', 'node', `${name}.js`);
  if (!existsSync(bundled)) throw new Error(`worker not built: ${bundled}`);
  return new Worker(bundled, { workerData, resourceLimits });
}
