import type { Root } from 'mdast';
import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { SwitchyardError, type ErrorData } from '../../../shared/errors';
import { thisThreadId } from '../threads/threadCpu';
import { lowerThisThreadPriority } from '../threads/threadPriority';
import { checkPlanNesting } from './planLimits';
import { parseMarkdown } from './planMarkdown';
import type { PieceJob, PieceMessage, PlanInput, PlanParseReply, PlanParseRequest, ReadyMessage } from './planParseProtocol';
import { readCheckedPlan, type PieceTrees } from './planParser';
import { isCleanEnd } from './planBlockScan';
import { joinPieces, parsePiece, pieceCuts, takePieces, type Cut } from './planPieces';
import { checkPlanText, decodePlanBytes, type DecodedPlan } from './planText';

/**
 * A thread that reads plans for the core (planParsePool.ts), so that no plan, however large or
 * hostile, holds the core's event loop. A thread that reads a plan leads: it decodes and checks
 * the text, refuses it if its nesting is over the limits, and reads its pieces in order, taking
 * each from its helpers (other threads, through a port each) or parsing it itself when no helper
 * has. A helper parses pieces from the counter the threads share until none is left. Failures
 * are answered as data: a BAD_PLAN stays a BAD_PLAN on the other side.
 */
const port = parentPort;
if (!port) throw new Error('planParseWorker runs only as a worker thread');

/**
 * How long a leading thread sleeps at most while it waits for a helper's piece (ms). A helper
 * wakes it when it posts one; the limit only bounds a wait whose wake-up went missing.
 */
const HELPER_WAIT_MS = 50;

port.on('message', (request: PlanParseRequest) => {
  if (request.type === 'help') {
    help(request.requestId, request.lead);
    return;
  }
  let reply: PlanParseReply;
  try {
    reply = lead(request);
  } catch (error) {
    reply = { requestId: request.requestId, error: errorData(error) };
  }
  port.postMessage(reply);
});

// Below the core's own thread, which goes on answering the window while a plan is read.
lowerThisThreadPriority();

// Up, its modules loaded: the pool's time budget for a request counts from here.
port.postMessage({ ready: true, tid: thisThreadId() } satisfies ReadyMessage);

function lead(request: Exclude<PlanParseRequest, { type: 'help' }>): PlanParseReply {
  let shared: ReturnType<typeof sharePieces> | undefined;
  try {
    const { text, warnings } = request.type === 'read' ? decode(request.input) : { text: request.text, warnings: [] };
    const cuts = pieceCuts(text);
    checkPlanNesting(text, cuts);
    shared = sharePieces(request.helpers, text, cuts);
    if (request.type === 'read') return { requestId: request.requestId, plan: readCheckedPlan(text, warnings, cuts, shared) };
    return { requestId: request.requestId, tree: treeOf(text, cuts, shared) };
  } finally {
    if (shared) shared.end();
    else shareNothing(request.helpers);
  }
}

/** The markdown tree of the text: its pieces joined, or the whole text parsed at once when a piece ends badly. */
function treeOf(text: string, cuts: Cut[], trees: PieceTrees): Root {
  if (cuts.length < 2) return parseMarkdown(text);
  const pieces: Root[] = [];
  for (let index = 0; index < cuts.length; index++) {
    const tree = trees(index);
    if (index < cuts.length - 1 && !isCleanEnd(tree, text, cuts[index + 1]!.offset)) return parseMarkdown(text);
    pieces.push(tree);
  }
  return joinPieces(pieces);
}

/** Tells the helpers there is nothing to parse (the plan was refused, or is read in one piece). */
function shareNothing(helpers: MessagePort[]): void {
  for (const helper of helpers) {
    helper.postMessage(null satisfies PieceJob);
    helper.close();
  }
}

/**
 * Shares the pieces of the text with the helpers, and gives the tree of each piece in turn: the
 * one a helper posted, or, while pieces are left to take, one parsed here (a piece taken here
 * while waiting for another is kept for its turn). `end` leaves the helpers nothing more to take.
 */
function sharePieces(helpers: MessagePort[], text: string, cuts: Cut[]): PieceTrees & { end: () => void } {
  if (cuts.length < 2 || helpers.length === 0) {
    shareNothing(helpers);
    return Object.assign((index: number) => parsePiece(text, cuts, index), { end: () => undefined });
  }
  const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const posted = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  for (const helper of helpers) helper.postMessage({ text, cuts, next: next.buffer, posted: posted.buffer } satisfies PieceJob);
  const arrived = new Map<number, Root>();
  const collect = () => {
    for (const helper of helpers) {
      for (let received = receiveMessageOnPort(helper); received; received = receiveMessageOnPort(helper)) {
        const piece = received.message as PieceMessage;
        // A piece a helper could not parse is parsed here, where its error, if it has one, is thrown.
        arrived.set(piece.index, 'tree' in piece ? piece.tree : parsePiece(text, cuts, piece.index));
      }
    }
  };
  const tree = (index: number): Root => {
    for (;;) {
      const seen = Atomics.load(posted, 0);
      collect();
      const here = arrived.get(index);
      if (here) {
        arrived.delete(index);
        return here;
      }
      const untaken = Atomics.add(next, 0, 1);
      if (untaken < cuts.length) arrived.set(untaken, parsePiece(text, cuts, untaken));
      else Atomics.wait(posted, 0, seen, HELPER_WAIT_MS);
    }
  };
  const end = () => {
    Atomics.store(next, 0, cuts.length);
    for (const helper of helpers) helper.close();
  };
  return Object.assign(tree, { end });
}

/** Parses pieces for the thread at the other end of `lead` until none is left, then answers how many it parsed. */
function help(requestId: number, lead: MessagePort): void {
  let helped = 0;
  let answered = false;
  const answer = () => {
    if (answered) return;
    answered = true;
    lead.close();
    port!.postMessage({ requestId, helped } satisfies PlanParseReply);
  };
  lead.once('message', (job: PieceJob) => {
    if (job) {
      const next = new Int32Array(job.next);
      const posted = new Int32Array(job.posted);
      takePieces(next, job.cuts.length, (index) => {
        let piece: PieceMessage;
        try {
          piece = { index, tree: parsePiece(job.text, job.cuts, index) };
        } catch {
          piece = { index, failed: true };
        }
        lead.postMessage(piece);
        helped++;
        Atomics.add(posted, 0, 1);
        Atomics.notify(posted, 0);
      });
    }
    answer();
  });
  // The leading thread ended (or was stopped) before it shared anything.
  lead.once('close', answer);
}

function decode(input: PlanInput): DecodedPlan {
  if ('bytes' in input) return decodePlanBytes(input.bytes);
  if ('text' in input) return checkPlanText(input.text);
  return { text: input.checked, warnings: input.warnings };
}

function errorData(error: unknown): ErrorData {
  if (error instanceof SwitchyardError) return error.toData();
  return { code: 'INTERNAL', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
