import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';
import { WorkerRequests } from '../threads/workerRequests';
import { startWorker } from '../workerEntry';
import type { ManifestReply } from './manifestProtocol';
import type { ManifestItem } from './treeManifest';

/** A walk that failed in the thread, with the errno code the system gave (ENOENT, EACCES, ENOSPC…). */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

/**
 * The core's handle on the manifest thread, started at the first request and kept (unreferenced,
 * so it never holds the process open) until disposed.
 */
export class ManifestThread implements Disposable {
  private worker: Worker | undefined;
  private requests: WorkerRequests<ManifestReply> | undefined;

  private ask(): WorkerRequests<ManifestReply> {
    if (!this.requests) {
      const worker = startWorker('manifestWorker');
      worker.unref();
      this.worker = worker;
      this.requests = new WorkerRequests<ManifestReply>(worker, {
        name: 'the cache manifest thread',
        failureOf: (reply) => ('error' in reply ? new ManifestError(reply.error.message, reply.error.errno) : undefined),
      });
      worker.once('exit', () => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.requests = undefined;
        }
      });
    }
    return this.requests;
  }

  /** Every item of the tree at `root`, files hashed when asked. */
  async read(root: string, options: { hash: boolean }): Promise<ManifestItem[]> {
    const reply = await this.ask().request((requestId) => ({ requestId, type: 'read', root, hash: options.hash }));
    return 'items' in reply ? reply.items : [];
  }

  /** The first difference between the tree at `root` and the manifest stored in `manifestFile`; undefined when they agree. */
  async compare(root: string, manifestFile: string, options: { hash: boolean }): Promise<string | undefined> {
    const reply = await this.ask().request((requestId) => ({ requestId, type: 'compare', root, manifestFile, hash: options.hash }));
    return 'difference' in reply && reply.difference !== null ? reply.difference : undefined;
  }

  async dispose(): Promise<void> {
    this.requests?.dispose();
    const worker = this.worker;
    this.worker = undefined;
    this.requests = undefined;
    await worker?.terminate();
  }
}
