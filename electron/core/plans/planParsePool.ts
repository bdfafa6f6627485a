import type { Root } from 'mdast';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ParsedPlan, PlanWarning } from '../../../shared/contract';
import type { Disposable } from '../disposable';
import { startWorker } from '../workerEntry';
import { parseMarkdown } from './planMarkdown';
import { PlanReader, readPlanTree } from './planParser';
import { cutPoints, isCleanEnd, joinPieces, parsePiece, type Cut } from './planPieces';
import { checkPlanText, decodePlanBytes } from './planText';

/**
 * Plans of at least this many characters are parsed in pieces on several threads. A smaller one
 * parses in about 0.3 s or less on a slow machine, which handing pieces to threads and copying
 * their trees back would barely shorten.
 */
const PARALLEL_MIN_CHARS = 256 * 1024;
/**
 * Size of the pieces a large plan is cut into (characters), where its headings allow. Each thread
 * takes the next piece when it is done with one, so small pieces share the work evenly even when
 * a thread starts late; and the parse of a small piece leaves little for the garbage collector.
 */
const PIECE_CHARS = 32 * 1024;
/** Parsing threads at most, however many processors there are: each can hold PARSE_WORKER_YOUNG_MB. */
const MAX_PARSE_WORKERS = 4;
/**
 * Young generation of a parsing thread (MB). Parsing a piece allocates tens of MB that live until
 * its tree is built; with room for them the collector seldom has to copy them. With V8's default
 * (or 32 or 64 MB) two threads read a 10,000-task plan barely faster than one; with 128 MB, in
 * about two thirds of the time. The memory is given back when the threads stop.
 */
const PARSE_WORKER_YOUNG_MB = 128;
/**
 * The parsing threads stop after this long without a large plan (ms), giving back their memory
 * (about 150 MB each once they have parsed one); the next large plan starts them again.
 */
const PARSE_WORKERS_IDLE_MS = 60_000;

/** Lets the replies of workers in: they are taken only between turns of the calling thread. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What a worker is asked: parse pieces of `text` until none is left to take. */
export interface PieceRequest {
  job: number;
  text: string;
  /** Where each piece begins; the first at the start of the text. */
  cuts: Cut[];
  /** One Int32, the next piece to take, shared by every thread parsing the text. */
  next: SharedArrayBuffer;
}

export type PieceReply = { job: number; index: number; tree: Root } | { job: number; index: number; error: string };

/** The pieces of one text being parsed: parsed by the calling thread or brought by a worker's reply. */
class PieceJob {
  /** How many pieces workers parsed. */
  fromWorkers = 0;
  private readonly trees: (Root | undefined)[];
  private waiting: { index: number; resolve: () => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(count: number) {
    this.trees = new Array<Root | undefined>(count);
  }

  has(index: number): boolean {
    return this.trees[index] !== undefined;
  }

  put(index: number, tree: Root): void {
    this.trees[index] = tree;
    if (this.waiting?.index !== index) return;
    this.waiting.resolve();
    this.waiting = null;
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.waiting?.reject(error);
    this.waiting = null;
  }

  /** Piece `index`, once it is here; the job keeps no hold on it after. */
  async take(index: number): Promise<Root> {
    if (this.failure) throw this.failure;
    if (!this.has(index)) await new Promise<void>((resolve, reject) => (this.waiting = { index, resolve, reject }));
    const tree = this.trees[index]!;
    this.trees[index] = undefined;
    return tree;
  }
}

/**
 * Parses plans for the importer. A small plan is parsed on the calling thread; a large one is cut
 * at headings into pieces that a few worker threads parse side by side, while the calling thread
 * reads the pieces in order as they come (and, while the workers are new, parses pieces too).
 * The workers start with the first large plan and stay, without keeping the process alive, until
 * they have been idle a while or the pool is disposed. Whatever goes wrong on the way (a worker
 * that fails or cannot start, a cut that turns out to lie inside a code block) ends in a parse of
 * the whole text on the calling thread, so a plan reads, or is refused, exactly as it would there.
 */
export class PlanParsePool implements Disposable {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, PieceJob>();
  private nextJob = 1;
  /** One worker per processor, the calling thread reading what they parse; none on a single processor. */
  private readonly workerCount = availableParallelism() > 1 ? Math.min(MAX_PARSE_WORKERS, availableParallelism()) : 0;
  /** Whether the workers have parsed a plan since they were started: new, they are slow a while. */
  private warm = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  /** Reads a plan from bytes (a file): decoding, repair, then parse. */
  parseBytes(bytes: Uint8Array): Promise<ParsedPlan> {
    const { text, warnings } = decodePlanBytes(bytes);
    return this.read(text, warnings);
  }

  /** Reads a plan from text (a dropped file already decoded by the client). */
  parseText(content: string): Promise<ParsedPlan> {
    const { text, warnings } = checkPlanText(content);
    return this.read(text, warnings);
  }

  /** The markdown tree of a plan's text, as the reader walks it: parseMarkdown's, in pieces when the text is large. */
  async markdownTree(text: string): Promise<Root> {
    const cuts = this.cutsOf(text);
    const trees: Root[] = [];
    const whole = cuts.length < 2 || !(await this.parseInPieces(text, cuts, (tree) => trees.push(tree)).catch(() => false));
    return whole ? parseMarkdown(text) : joinPieces(trees);
  }

  private async read(text: string, warnings: PlanWarning[]): Promise<ParsedPlan> {
    const cuts = this.cutsOf(text);
    if (cuts.length >= 2) {
      // Its own warnings: if the pieces fail, the plan is read again from the start.
      const reader = new PlanReader(text, [...warnings]);
      if (await this.parseInPieces(text, cuts, (tree) => reader.read(tree.children)).catch(() => false)) return reader.finish();
    }
    return readPlanTree(text, parseMarkdown(text), warnings);
  }

  /** Where a text is cut into pieces: nowhere (one piece) unless it is large. */
  private cutsOf(text: string): Cut[] {
    if (text.length < PARALLEL_MIN_CHARS || this.workerCount === 0 || this.disposed) return [];
    return [{ offset: 0, line: 0 }, ...cutPoints(text, Math.ceil(text.length / PIECE_CHARS))];
  }

  /**
   * Parses the pieces and gives their trees to `consume` in order; false (and no more trees) when
   * a piece, parsed alone, does not end as the whole text would there.
   */
  private async parseInPieces(text: string, cuts: Cut[], consume: (tree: Root) => void): Promise<boolean> {
    const workers = this.startWorkers();
    const id = this.nextJob++;
    const job = new PieceJob(cuts.length);
    const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    this.jobs.set(id, job);
    clearTimeout(this.idleTimer);
    try {
      for (const worker of workers) {
        // Held while it works for someone who waits; idle, it does not keep the process alive.
        worker.ref();
        worker.postMessage({ job: id, text, cuts, next: next.buffer } satisfies PieceRequest);
      }
      for (let index = 0; index < cuts.length; index++) {
        // While the workers are new (starting, their code not yet optimised), this thread parses too.
        while (!this.warm && !job.has(index)) {
          const untaken = Atomics.add(next, 0, 1);
          if (untaken >= cuts.length) break;
          job.put(untaken, parsePiece(text, cuts, untaken));
          await nextTurn();
        }
        const tree = await job.take(index);
        if (index < cuts.length - 1 && !isCleanEnd(tree, text, cuts[index + 1]!.offset)) return false;
        consume(tree);
      }
      if (job.fromWorkers > 0) this.warm = true;
      return true;
    } finally {
      // Nothing more for anyone to take, whether the pieces are all parsed or not.
      Atomics.store(next, 0, cuts.length);
      this.jobs.delete(id);
      if (this.jobs.size === 0) this.idle();
    }
  }

  private startWorkers(): Worker[] {
    while (this.workers.length < this.workerCount) {
      this.warm = false;
      const worker = startWorker('planParseWorker', undefined, { maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB });
      worker.unref();
      worker.on('message', (reply: PieceReply) => this.receive(reply));
      // A worker that fails is replaced with the next large plan; the plans it was parsing are parsed here.
      const lost = (error: Error) => {
        if (!this.workers.includes(worker)) return;
        this.workers.splice(this.workers.indexOf(worker), 1);
        this.failJobs(error);
      };
      worker.on('error', lost);
      worker.on('exit', () => lost(new Error('a plan parsing thread stopped')));
      this.workers.push(worker);
    }
    return this.workers;
  }

  private receive(reply: PieceReply): void {
    const job = this.jobs.get(reply.job);
    if (!job) return;
    if ('error' in reply) {
      job.fail(new Error(reply.error));
      return;
    }
    job.fromWorkers++;
    job.put(reply.index, reply.tree);
  }

  private failJobs(error: Error): void {
    for (const job of this.jobs.values()) job.fail(error);
  }

  private idle(): void {
    for (const worker of this.workers) worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopWorkers(), PARSE_WORKERS_IDLE_MS);
    this.idleTimer.unref();
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.terminate()));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.failJobs(new Error('the plan parser was disposed'));
    await this.stopWorkers();
  }
}
