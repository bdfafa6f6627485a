import { asc, eq, max } from 'drizzle-orm';
import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';
import { BUSY_TIMEOUT_MS, type Db } from '../db/client';
import { transcriptChunks } from '../db/schema';
import type { Logger } from '../log';
import { startWorker } from '../workerEntry';
import type { TranscriptReply, TranscriptRequest } from './transcriptProtocol';

/**
 * Output is written in one transaction per interval rather than one per batch: a flood produces
 * hundreds of batches a second, and each commit costs a WAL write (ms).
 */
export const TRANSCRIPT_FLUSH_MS = 50;

/** Pending output is handed to the writer at once beyond this many characters. */
export const TRANSCRIPT_FLUSH_MAX_CHARS = 256 * 1024;

type Row = [sessionId: string, seq: number, data: string, at: number];

/**
 * The append-only transcript of every session. Writes go to a thread of their own in batched
 * transactions (a commit, and above all a WAL checkpoint, would otherwise stall the event loop
 * that feeds the panes); reads happen here, once what was appended so far is written.
 */
export class TranscriptStore implements Disposable {
  private pending: Row[] = [];
  private pendingChars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writer: Worker | undefined;
  private posted = 0;
  private written = 0;
  private waiters: { batch: number; resolve: () => void }[] = [];
  private closed: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  append(sessionId: string, seq: number, data: string, at = Date.now()): void {
    if (this.closed) return;
    this.pending.push([sessionId, seq, data, at]);
    this.pendingChars += data.length;
    if (this.pendingChars >= TRANSCRIPT_FLUSH_MAX_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), TRANSCRIPT_FLUSH_MS);
  }

  /** Hands what is pending to the writer. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.post({ type: 'write', batch: ++this.posted, rows });
  }

  /** Resolves once everything appended so far is in SQLite. */
  settled(): Promise<void> {
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
    return row?.seq ?? 0;
  }

  async chunks(sessionId: string): Promise<{ seq: number; data: string }[]> {
    await this.settled();
    return this.db
      .select({ seq: transcriptChunks.seq, data: transcriptChunks.data })
      .from(transcriptChunks)
      .where(eq(transcriptChunks.sessionId, sessionId))
      .orderBy(asc(transcriptChunks.seq))
      .all();
  }

  private post(request: TranscriptRequest): void {
    if (!this.writer) {
      this.writer = startWorker('transcriptWorker', { file: this.file, busyTimeoutMs: BUSY_TIMEOUT_MS });
      this.writer.on('message', (reply: TranscriptReply) => this.receive(reply));
      this.writer.on('error', (error) => this.log.error('the transcript writer failed', error));
      // Whatever ends the thread, nobody may wait for it forever.
      this.writer.on('exit', () => this.release(Number.POSITIVE_INFINITY));
    }
    this.writer.postMessage(request);
  }

  private receive(reply: TranscriptReply): void {
    if (reply.type === 'closed') return;
    if (reply.type === 'failed') this.log.error(`could not write transcript batch ${reply.batch}: ${reply.message}`);
    this.release(reply.batch);
  }

  private release(batch: number): void {
    this.written = Math.max(this.written, batch);
    const ready = this.waiters.filter((w) => w.batch <= this.written);
    this.waiters = this.waiters.filter((w) => w.batch > this.written);
    for (const waiter of ready) waiter.resolve();
  }

  /** Writes what is pending, then closes the writer's connection and its thread. */
  dispose(): Promise<void> {
    this.closed ??= (async () => {
      await this.settled();
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
