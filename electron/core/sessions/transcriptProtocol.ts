/** One transcript row: [sessionId, seq, data, at]. */
export type TranscriptRow = [sessionId: string, seq: number, data: string, at: number];

/** Messages between the transcript store and its writer thread (see transcriptWorker.ts). */
export type TranscriptRequest =
  | { type: 'write'; requestId: number; rows: TranscriptRow[] }
  /** Caps the database at this many pages on the writer's connection (`PRAGMA max_page_count`). */
  | { type: 'limitPages'; maxPages: number }
  | { type: 'close' };

/** The answer to one `write`. */
export type TranscriptWriteReply =
  | { type: 'written'; requestId: number }
  /** Nothing of the batch was written; `code` is SQLite's (SQLITE_FULL for a full disk). */
  | { type: 'failed'; requestId: number; message: string; code: string | undefined };

export type TranscriptReply = TranscriptWriteReply | { type: 'closed' };
