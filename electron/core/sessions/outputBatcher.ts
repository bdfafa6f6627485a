import type { Disposable } from '../disposable';

/**
 * How long output is gathered before it is sent (ms). A few ms turns thousands of tiny pty reads
 * into one message per frame. Output after a quiet spell this long is sent at once, so that a
 * keystroke's echo does not wait.
 */
export const OUTPUT_BATCH_DELAY_MS = 4;

/** A batch is sent at once when it reaches this many characters, so that one message stays small. */
export const OUTPUT_BATCH_MAX_CHARS = 256 * 1024;

/**
 * Turns the pty's raw bytes into numbered text batches. Decoding is streaming, so a multi-byte
 * UTF-8 character split across two reads comes out whole; a byte sequence that is not UTF-8
 * becomes U+FFFD instead of throwing.
 */
export class OutputBatcher implements Disposable {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  /** When the last batch went out: output after a quiet spell (a keystroke's echo) goes at once. */
  private lastFlushAt = 0;

  constructor(
    private readonly emit: (seq: number, data: string) => void,
    startSeq = 0,
  ) {
    this.seq = startSeq;
  }

  /** The seq of the last batch emitted. */
  get lastSeq(): number {
    return this.seq;
  }

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text.length === 0) return;
    this.pending.push(text);
    this.pendingChars += text.length;
    const quiet = this.timer === undefined && performance.now() - this.lastFlushAt >= OUTPUT_BATCH_DELAY_MS;
    if (quiet || this.pendingChars >= OUTPUT_BATCH_MAX_CHARS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), OUTPUT_BATCH_DELAY_MS);
  }

  /** Emits what is pending now, including an incomplete character at the very end of the stream when `end`. */
  flush(end = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (end) {
      const tail = this.decoder.decode();
      if (tail) this.pending.push(tail);
    }
    if (this.pending.length === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.lastFlushAt = performance.now();
    this.emit(++this.seq, data);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
