import { asc, eq, max } from 'drizzle-orm';
import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';
import { BUSY_TIMEOUT_MS, type Db } from '../db/client';
import { transcriptChunks } from '../db/schema';
import { isStorageFailure, RetryTimer, type StorageHealth } from '../db/storageHealth';
import type { Logger } from '../log';
import { startWorker } from '../workerEntry';
import { Batcher } from './outputBatcher';
import type { TranscriptReply, TranscriptRequest, TranscriptRow } from './transcriptProtocol';

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

/** The name this store reports to the storage health under. */
const WRITER = 'transcript';

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
  private writer: Worker | undefined;
  private posted = 0;
  private written = 0;
  private waiters: { batch: number; resolve: () => void }[] = [];
  /** The rows of each batch posted and not answered yet. */
  private readonly inFlight = new Map<number, TranscriptRow[]>();
  /** Rows the storage refused, and rows that came after them, oldest first. */
  private held: TranscriptRow[] = [];
  /** Characters held, including a retry in flight. */
  private heldChars = 0;
  /** The batch that is a retry of the rows held, while it is in flight. */
  private retrying: number | undefined;
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
    this.post({ type: 'limitPages', maxPages });
  }

  /** Resolves once everything appended so far is in SQLite or held. */
  settled(): Promise<void> {
    if (this.writtenElsewhere) return this.writtenElsewhere();
    this.flush();
    const batch = this.posted;
    if (this.written >= batch) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ batch, resolve }));
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
    const rows = [...this.inFlight.values(), this.held].flat();
    return rows.filter((row) => row[0] === sessionId);
  }

  private write(rows: TranscriptRow[]): void {
    if (this.degraded) this.hold(rows);
    else this.postRows(rows);
  }

  private postRows(rows: TranscriptRow[]): number {
    const batch = ++this.posted;
    this.inFlight.set(batch, rows);
    this.post({ type: 'write', batch, rows });
    return batch;
  }

  /** Keeps rows for later, or counts them lost beyond the bound. */
  private hold(rows: TranscriptRow[]): void {
    const chars = rows.reduce((sum, row) => sum + row[2].length, 0);
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

  private post(request: TranscriptRequest): void {
    if (!this.writer) {
      const writer = startWorker('transcriptWorker', { file: this.file, busyTimeoutMs: BUSY_TIMEOUT_MS });
      writer.on('message', (reply: TranscriptReply) => this.receive(reply));
      writer.on('error', (error) => this.log.error('the transcript writer failed', error));
      // Whatever ends the thread, nobody may wait for it forever; the next write starts another.
      writer.on('exit', () => {
        if (this.writer === writer) this.writer = undefined;
        if (!this.closed) this.rescue();
        this.release(Number.POSITIVE_INFINITY);
      });
      this.writer = writer;
    }
    this.writer.postMessage(request);
  }

  private receive(reply: TranscriptReply): void {
    if (reply.type === 'closed') return;
    const rows = this.inFlight.get(reply.batch) ?? [];
    this.inFlight.delete(reply.batch);
    const wasRetry = reply.batch === this.retrying;
    if (wasRetry) {
      this.retrying = undefined;
      this.heldChars -= rows.reduce((sum, row) => sum + row[2].length, 0);
    }
    if (reply.type === 'failed') this.failed(reply, rows, wasRetry);
    else if (wasRetry) this.recovered();
    this.release(reply.batch);
  }

  private failed(reply: Extract<TranscriptReply, { type: 'failed' }>, rows: TranscriptRow[], wasRetry: boolean): void {
    if (!isStorageFailure(reply)) {
      this.log.error(`could not write transcript batch ${reply.batch}: ${reply.message}`);
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
    const rows = [...this.inFlight.values()].flat();
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

  private release(batch: number): void {
    this.written = Math.max(this.written, batch);
    const ready = this.waiters.filter((w) => w.batch <= this.written);
    this.waiters = this.waiters.filter((w) => w.batch > this.written);
    for (const waiter of ready) waiter.resolve();
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
        writer.once('exit', () => resolve());
        writer.on('message', (reply: TranscriptReply) => reply.type === 'closed' && void writer.terminate());
        writer.postMessage({ type: 'close' } satisfies TranscriptRequest);
      });
    })();
    return this.closed;
  }
}
