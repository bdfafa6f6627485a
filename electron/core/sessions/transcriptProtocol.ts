/** Messages between the transcript store and its writer thread (see transcriptWorker.ts). */
export type TranscriptRequest =
  /** Rows as [sessionId, seq, data, at]. */
  | { type: 'write'; batch: number; rows: [string, number, string, number][] }
  | { type: 'close' };

export type TranscriptReply =
  | { type: 'written'; batch: number }
  | { type: 'failed'; batch: number; message: string }
  | { type: 'closed' };
