import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { readManifestWithFind } from './findManifest';
import type { ManifestReply, ManifestRequest } from './manifestProtocol';
import { firstDifference, readManifest, type ManifestItem } from './treeManifest';

/**
 * A thread that walks and hashes cache trees for the core (manifestThread.ts): a node_modules of
 * tens of thousands of files is read with synchronous calls, fast, without holding the core's
 * event loop.
 */
const port = parentPort;
if (!port) throw new Error('manifestWorker runs only as a worker thread');
// No lowered priority: a worktree's setup waits for this walk, as it waits for cp.

port.on('message', (request: ManifestRequest) => {
  let reply: ManifestReply;
  try {
    if (request.type === 'read') reply = { requestId: request.requestId, items: readManifest(request.root, { hash: request.hash }) };
    else {
      const stored = JSON.parse(readFileSync(request.manifestFile, 'utf8')) as ManifestItem[];
      const current = (request.hash ? undefined : readManifestWithFind(request.root)) ?? readManifest(request.root, { hash: request.hash });
      reply = { requestId: request.requestId, difference: firstDifference(stored, current) ?? null };
    }
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    reply = {
      requestId: request.requestId,
      error: { message: error instanceof Error ? error.message : String(error), ...(errno ? { errno } : {}) },
    };
  }
  port.postMessage(reply);
});
