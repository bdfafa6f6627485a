import { parentPort } from 'node:worker_threads';
import type { PieceReply, PieceRequest } from './planParsePool';
import { parsePiece, takePieces } from './planPieces';

/**
 * A thread that parses pieces of large plans beside the importer's (planParsePool.ts): for each
 * request it takes pieces from the counter the threads share until none is left, and posts each
 * piece's tree with the positions its nodes have in the whole text.
 */
const port = parentPort;
if (!port) throw new Error('planParseWorker runs only as a worker thread');

port.on('message', (request: PieceRequest) => {
  const next = new Int32Array(request.next);
  const count = request.cuts.length;
  takePieces(next, count, (index) => {
    let reply: PieceReply;
    try {
      reply = { job: request.job, index, tree: parsePiece(request.text, request.cuts, index) };
    } catch (error) {
      // The text will be parsed whole on the calling thread: nobody needs the other pieces.
      Atomics.store(next, 0, count);
      reply = { job: request.job, index, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
