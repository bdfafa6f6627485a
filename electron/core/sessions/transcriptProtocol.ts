/** One transcript row: [sessionId, seq, data, at]. */
export type TranscriptRow = [sessionId: string, seq: number, data: string, at: number];

/** Messages between the transcript store and its writer thread (see transcriptWorker.ts). */
export type TranscriptRequest =
  | { type: 'write'; batch: number; rows: TranscriptRow[] }
  /** Caps the database at this many pages on the writer's connection (`PRAGMA max_page_count`). */
  | { type: 'limitPages'; maxPages: number }
  | { type: 'close' };

export type TranscriptReply =
  | { type: 'written'; batch: number }
  /** Nothing of the batch was written; `code` is SQLite's (SQLITE_FULL for a full disk). */
  | { type: 'failed'; batch: number; message: string; code: string | undefined }
  | { type: 'closed' };
