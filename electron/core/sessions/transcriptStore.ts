import { asc, eq } from 'drizzle-orm';
import type { Disposable } from '../disposable';
import type { Db } from '../db/client';
import { transcriptChunks } from '../db/schema';
import type { Logger } from '../rpc/dispatcher';

/**
 * Output is written to SQLite in one transaction per interval rather than one per batch: a flood
 * produces hundreds of batches a second, and each commit costs a WAL write (ms).
 */
export const TRANSCRIPT_FLUSH_MS = 50;

/**
 * Pending output is written at once beyond this many characters. A write blocks the event loop,
 * so it stays small: 16 flooding agents with multi-megabyte transactions held the loop ~80 ms.
 */
export const TRANSCRIPT_FLUSH_MAX_CHARS = 256 * 1024;

/** Rows per INSERT statement: well under SQLite's limit of bound variables (4 per row). */
const ROWS_PER_INSERT = 500;

type Chunk = typeof transcriptChunks.$inferInsert;

/** The append-only transcript of every session, written in batched transactions. */
export class TranscriptStore implements Disposable {
  private pending: Chunk[] = [];
  private pendingChars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  append(sessionId: string, seq: number, data: string, at = Date.now()): void {
    this.pending.push({ sessionId, seq, data, at });
    this.pendingChars += data.length;
    if (this.pendingChars >= TRANSCRIPT_FLUSH_MAX_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), TRANSCRIPT_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    try {
      this.db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          // A restarted session continues its seq, so a conflict means the very same batch.
          tx.insert(transcriptChunks).values(rows.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing().run();
        }
      });
    } catch (error) {
      this.log.error(`could not write ${rows.length} transcript chunks`, error);
    }
  }

  /** The whole raw output of a session, in order. */
  raw(sessionId: string): string {
    this.flush();
    return this.chunks(sessionId)
      .map((chunk) => chunk.data)
      .join('');
  }

  chunks(sessionId: string): { seq: number; data: string }[] {
    this.flush();
    return this.db
      .select({ seq: transcriptChunks.seq, data: transcriptChunks.data })
      .from(transcriptChunks)
      .where(eq(transcriptChunks.sessionId, sessionId))
      .orderBy(asc(transcriptChunks.seq))
      .all();
  }

  dispose(): void {
    this.flush();
  }
}
