import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read at a time: the reader holds about this much of a transcript, never the whole file. */
export const TAIL_CHUNK_BYTES = 1024 * 1024;

/** A line longer than this (a pasted file in one message) is skipped unread rather than held whole. */
export const TAIL_MAX_LINE_BYTES = 32 * 1024 * 1024;

/**
 * Complete lines, as bytes: `data[start, end)` holds whole lines, each ended by "\n". The buffer
 * is reused after the call returns.
 */
export type LinesHandler = (data: Buffer, start: number, end: number) => void;

export interface TailResult {
  /** Where the next read starts: the start of the first line not yet complete. */
  offset: number;
  /** The file is shorter than the offset given: it was replaced, and was read from its start. */
  restarted: boolean;
  /** Lines skipped because they were longer than TAIL_MAX_LINE_BYTES. */
  skippedLines: number;
}

/**
 * Reads a growing JSONL file from `offset` to its current end, a chunk at a time, handing over the
 * complete lines. A last line still being written is not consumed: its bytes are read again next
 * time, from the offset returned. Returns null when the file does not exist (yet).
 */
export function readNewLines(path: string, offset: number, onLines: LinesHandler, chunkBytes = TAIL_CHUNK_BYTES): TailResult | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const restarted = size < offset;
    let position = restarted ? 0 : offset;
    // The bytes of a line begun in an earlier chunk, and where in the file they start.
    let carried: Buffer | null = null;
    let committed = position;
    let skipping = false;
    let skippedLines = 0;
    const chunk = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, position);
      if (read === 0) break;
      position += read;
      let data = chunk.subarray(0, read);
      let start = 0;
      if (skipping) {
        const newline = data.indexOf(10);
        if (newline === -1) continue;
        skipping = false;
        skippedLines++;
        start = newline + 1;
        committed = position - read + start;
      } else if (carried !== null) {
        data = Buffer.concat([carried, data]);
        carried = null;
      }
      const last = data.lastIndexOf(10);
      if (last >= start) {
        onLines(data, start, last + 1);
        committed += last + 1 - start;
        start = last + 1;
      }
      if (start < data.length) {
        if (data.length - start > TAIL_MAX_LINE_BYTES) skipping = true;
        else carried = Buffer.from(data.subarray(start));
      }
    }
    return { offset: committed, restarted, skippedLines };
  } finally {
    closeSync(fd);
  }
}

/** Calls `each` with the bounds of every line in `data[start, end)`, without its "\n". */
export function forEachLine(data: Buffer, start: number, end: number, each: (lineStart: number, lineEnd: number) => void): void {
  let at = start;
  while (at < end) {
    let newline = data.indexOf(10, at);
    if (newline === -1 || newline >= end) newline = end;
    if (newline > at) each(at, newline);
    at = newline + 1;
  }
}
