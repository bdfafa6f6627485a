import { asc, eq, max } from 'drizzle-orm';
import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';
import { BUSY_TIMEOUT_MS, type Db } from '../db/client';
import { transcriptChunks } from '../db/schema';
import { isStorageFailure, RetryTimer, type StorageHealth } from '../db/storageHealth';
import type { Logger } from '../log';
import { WorkerRequestError, WorkerRequests } from '../threads/workerRequests';
import { startWorker } from '../workerEntry';
import { Batcher } from './outputBatcher';
import type { TranscriptReply, TranscriptRequest, TranscriptRow, TranscriptWriteReply } from './transcriptProtocol';

/**
 * Output is written in one transaction per interval rather than one per batch: a flood produces
 * hundreds of batches a second, and each commit costs a WAL write (ms).
 */
export const TRANSCRIPT_FLUSH_MS = 50;

/** Pending output is handed to the writer at once beyond this many characters. */
export const TRANSCRIPT_FLUSH_MAX_CHARS = 256 * 1024;

/**
 * Output the storage refuses (the disk is full) is held in memory up to this many characters,
 * about 64 MB as UTF-16, and written once there is room; what comes beyond it is lost.
 */
export const TRANSCRIPT_HOLD_MAX_CHARS = 32 * 1024 * 1024;

/**
 * Longest a batch may wait for the writer's answer (ms), wall clock: the writer mostly waits on the
 * disk and on SQLite's lock (up to BUSY_TIMEOUT_MS per statement), not on a processor. Past it the
 * writer is taken for stuck: it is ended, and its unanswered batches are held and written by the
 * next one.
 */
export const TRANSCRIPT_WRITE_TIMEOUT_MS = 6 * BUSY_TIMEOUT_MS;

/** The name this store reports to the storage health under. */
const WRITER = 'transcript';

/** Rows posted to the writer in one request, kept until it answers (reads see them meanwhile). */
interface Batch {
  rows: TranscriptRow[];
}

/** The writer thread and the requests waiting for its answers. */
interface Writer {
  worker: Worker;
  requests: WorkerRequests<TranscriptWriteReply>;
}

/**
 * The append-only transcript of every session. Writes go to a thread of their own in batched
 * transactions (a commit, and above all a WAL checkpoint, would otherwise stall the event loop
 * that feeds the panes); reads happen here, once what was appended so far is written or held.
 *
 * When the storage refuses a batch, its rows are held in memory (up to TRANSCRIPT_HOLD_MAX_CHARS)
 * and later output queues behind them; they are written again, in order, with a growing delay
 * until it works. Reads meanwhile see the rows held as if they were written.
 */
export class TranscriptStore implements Disposable {
  private readonly batcher: Batcher<TranscriptRow>;
  private writer: Writer | undefined;
  /** Batches posted and not answered yet, oldest first. */
  private readonly inFlight = new Set<Batch>();
  /** Each posted batch's handling, which settles once its answer (or its loss) is dealt with. */
  private readonly handled = new Set<Promise<void>>();
  /** Rows the storage refused, and rows that came after them, oldest first. */
  private held: TranscriptRow[] = [];
  /** Characters held, including a retry in flight. */
  private heldChars = 0;
  /** The batch that is a retry of the rows held, while it is in flight. */
  private retrying: Batch | undefined;
  private readonly retry = new RetryTimer(() => this.writeHeld());
  private closed: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly log: Logger,
    private readonly health: StorageHealth,
    /**
     * Set when another process (the session host) writes the output: appends here are dropped,
     * and this resolves once it has written everything it was given so far.
     */
    private readonly writtenElsewhere?: () => Promise<void>,
  ) {
    this.batcher = new Batcher<TranscriptRow>(
      { delayMs: TRANSCRIPT_FLUSH_MS, maxChars: TRANSCRIPT_FLUSH_MAX_CHARS },
      (row) => row[2].length,
      (rows) => this.write(rows),
    );
  }

  /** Rows are held in memory because the storage refused some. */
  private get degraded(): boolean {
    return this.held.length > 0 || this.retrying !== undefined;
  }

  append(sessionId: string, seq: number, data: string, at = Date.now()): void {
    if (this.closed || this.writtenElsewhere) return;
    this.batcher.push([sessionId, seq, data, at]);
  }

  /** Hands what is pending to the writer. */
  flush(): void {
    this.batcher.flush();
  }

  /**
   * Caps the database at `maxPages` pages on the writer's connection, as `PRAGMA max_page_count`
   * does on the main one: writes that would grow it further fail as on a full disk.
   */
  limitPages(maxPages: number): void {
    this.startedWriter().worker.postMessage({ type: 'limitPages', maxPages } satisfies TranscriptRequest);
  }

  /** Resolves once everything appended so far is in SQLite or held. */
  async settled(): Promise<void> {
    if (this.writtenElsewhere) return this.writtenElsewhere();
    this.flush();
    await Promise.all(this.handled);
  }

  /** The whole raw output of a session, in order. */
  async raw(sessionId: string): Promise<string> {
    return (await this.chunks(sessionId)).map((chunk) => chunk.data).join('');
  }

  /** The seq of the last batch recorded for a session, 0 when none is. */
  async lastSeq(sessionId: string): Promise<number> {
    await this.settled();
    const row = this.db
      .select({ seq: max(transcriptChunks.seq) })
      .from(transcriptChunks)
      .where(eq(transcriptChunks.sessionId, sessionId))
      .get();
    return this.unwritten(sessionId).reduce((last, [, seq]) => Math.max(last, seq), row?.seq ?? 0);
  }

  async chunks(sessionId: string): Promise<{ seq: number; data: string }[]> {
    await this.settled();
    const stored = this.db
      .select({ seq: transcriptChunks.seq, data: transcriptChunks.data })
      .from(transcriptChunks)
      .where(eq(transcriptChunks.sessionId, sessionId))
      .orderBy(asc(transcriptChunks.seq))
      .all();
    const unwritten = this.unwritten(sessionId);
    if (unwritten.length === 0) return stored;
    const bySeq = new Map(stored.map((chunk) => [chunk.seq, chunk]));
    for (const [, seq, data] of unwritten) bySeq.set(seq, { seq, data });
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** A session's rows held in memory or on their way to the writer. */
  private unwritten(sessionId: string): TranscriptRow[] {
    const rows = [...[...this.inFlight].map((batch) => batch.rows), this.held].flat();
    return rows.filter((row) => row[0] === sessionId);
  }

  private write(rows: TranscriptRow[]): void {
    if (this.degraded) this.hold(rows);
    else this.postRows(rows);
  }

  /** Posts rows as one batch and deals with its answer when it comes. */
  private postRows(rows: TranscriptRow[]): Batch {
    const batch: Batch = { rows };
    this.inFlight.add(batch);
    const handling = this.startedWriter()
      .requests.request((requestId) => ({ type: 'write', requestId, rows }) satisfies TranscriptRequest)
      .then(
        (reply) => this.answered(batch, reply),
        (error: unknown) => this.unanswered(batch, error),
      )
      .finally(() => this.handled.delete(handling));
    this.handled.add(handling);
    return batch;
  }

  /** Keeps rows for later, or counts them lost beyond the bound. */
  private hold(rows: TranscriptRow[]): void {
    const chars = charsOf(rows);
    if (this.heldChars + chars > TRANSCRIPT_HOLD_MAX_CHARS) {
      this.health.lost(chars);
      return;
    }
    this.held.push(...rows);
    this.heldChars += chars;
  }

  /** Posts every row held as one batch. */
  private writeHeld(): void {
    if (this.held.length === 0 || this.retrying !== undefined) return;
    const rows = this.held;
    this.held = [];
    this.retrying = this.postRows(rows);
  }

  private startedWriter(): Writer {
    if (this.writer) return this.writer;
    const worker = startWorker('transcriptWorker', { file: this.file, busyTimeoutMs: BUSY_TIMEOUT_MS });
    worker.on('error', (error) => this.log.error('the transcript writer failed', error));
    // Heard before the requests are rejected for it: the batches it left unanswered are held in
    // order, and the next write starts another writer.
    worker.on('exit', () => {
      if (this.writer?.worker === worker) this.writer = undefined;
      requests.dispose();
      if (!this.closed) this.rescue();
    });
    const requests = new WorkerRequests<TranscriptWriteReply>(worker, {
      name: 'the transcript writer',
      timeoutMs: TRANSCRIPT_WRITE_TIMEOUT_MS,
      onTimeout: () => void worker.terminate(),
    });
    this.writer = { worker, requests };
    return this.writer;
  }

  private answered(batch: Batch, reply: TranscriptWriteReply): void {
    if (!this.inFlight.delete(batch)) return;
    const wasRetry = batch === this.retrying;
    if (wasRetry) {
      this.retrying = undefined;
      this.heldChars -= charsOf(batch.rows);
    }
    if (reply.type === 'failed') this.failed(reply, batch.rows, wasRetry);
    else if (wasRetry) this.recovered();
  }

  /**
   * The writer gave no answer. A batch it timed out on stays in flight: the writer is ended for it
   * (onTimeout), and its exit holds every batch it left unanswered, in order (rescue).
   */
  private unanswered(batch: Batch, error: unknown): void {
    if (!this.inFlight.has(batch)) return;
    if (error instanceof WorkerRequestError && error.reason === 'timeout') {
      this.log.warn(`${error.message}; it is restarted and its batches written again`);
      return;
    }
    // The writer failed, before its exit was heard: what it left is held for the next one; once
    // this store is closed there is no next one.
    if (this.closed) this.inFlight.delete(batch);
    else this.rescue();
  }

  private failed(reply: Extract<TranscriptWriteReply, { type: 'failed' }>, rows: TranscriptRow[], wasRetry: boolean): void {
    if (!isStorageFailure(reply)) {
      this.log.error(`could not write a transcript batch: ${reply.message}`);
      return;
    }
    // A retry goes back before what was held meanwhile; a batch that was in flight when the first
    // failure came goes after it (batches are answered in order).
    if (wasRetry) {
      const later = this.held;
      this.held = [];
      this.hold(rows);
      this.held.push(...later);
    } else {
      this.hold(rows);
    }
    this.health.failed(WRITER, reply.message);
    if (!this.closed) this.retry.schedule();
  }

  /** A retry went through: write what came meanwhile, or tell that everything is written. */
  private recovered(): void {
    this.retry.reset();
    if (this.held.length > 0) this.writeHeld();
    else this.health.recovered(WRITER);
  }

  /** The writer ended with batches unanswered: their rows are held and written by the next one. */
  private rescue(): void {
    if (this.inFlight.size === 0) return;
    const rows = [...this.inFlight].flatMap((batch) => batch.rows);
    this.inFlight.clear();
    this.retrying = undefined;
    const later = this.held;
    this.held = [];
    this.heldChars = 0;
    this.hold(rows);
    this.hold(later);
    this.health.failed(WRITER, 'the transcript writer stopped');
    this.retry.schedule();
  }

  /** Writes what is pending (one last try for what is held), then closes the writer's connection and its thread. */
  dispose(): Promise<void> {
    this.closed ??= (async () => {
      await this.settled();
      this.retry.dispose();
      this.writeHeld();
      await this.settled();
      if (this.heldChars > 0) this.log.error(`${this.heldChars} characters of transcript could not be written before shutdown`);
      const writer = this.writer;
      if (!writer) return;
      await new Promise<void>((resolve) => {
        writer.worker.once('exit', () => resolve());
        writer.worker.on('message', (reply: TranscriptReply) => reply.type === 'closed' && void writer.worker.terminate());
        writer.worker.postMessage({ type: 'close' } satisfies TranscriptRequest);
      });
    })();
    return this.closed;
  }
}

function charsOf(rows: readonly TranscriptRow[]): number {
  return rows.reduce((sum, row) => sum + row[2].length, 0);
}
