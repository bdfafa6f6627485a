import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { sqliteBinding } from '../db/nativeBuilds';
import { lowerThisThreadPriority } from '../threads/threadPriority';
import type { TranscriptReply, TranscriptRequest, TranscriptRow } from './transcriptProtocol';

/**
 * Appends transcript chunks to SQLite on a connection of its own, so that the commits (and the
 * WAL checkpoints they trigger) never hold the main event loop. WAL lets the main connection read
 * and write meanwhile.
 */
lowerThisThreadPriority();
const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const port = parentPort;
if (!port) throw new Error('transcriptWorker runs only as a worker thread');

const db = new Database(file, { nativeBinding: sqliteBinding() });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
// A restarted session continues its seq, so a conflict means the very same batch. Output of a
// session deleted meanwhile has nowhere to go: it is skipped, not failed with the whole batch.
const insert = db.prepare(
  'INSERT OR IGNORE INTO transcript_chunks (session_id, seq, data, at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)',
);
const insertAll = db.transaction((rows: TranscriptRow[]) => {
  for (const row of rows) insert.run(row[0], row[1], row[2], row[3], row[0]);
});

port.on('message', (request: TranscriptRequest) => {
  if (request.type === 'close') {
    db.close();
    port.postMessage({ type: 'closed' } satisfies TranscriptReply);
    return;
  }
  if (request.type === 'limitPages') {
    db.pragma(`max_page_count = ${request.maxPages}`);
    return;
  }
  try {
    insertAll(request.rows);
    port.postMessage({ type: 'written', requestId: request.requestId } satisfies TranscriptReply);
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    port.postMessage({ type: 'failed', requestId: request.requestId, message, code } satisfies TranscriptReply);
  }
});
