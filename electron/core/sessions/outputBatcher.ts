import type { Disposable } from '../disposable';

/**
 * How long output is gathered before it is sent (ms). A few ms turns thousands of tiny pty reads
 * into one message per frame. Output after a quiet spell this long is sent at once, so that a
 * keystroke's echo does not wait.
 */
export const OUTPUT_BATCH_DELAY_MS = 4;

/** A batch is sent at once when it reaches this many characters, so that one message stays small. */
export const OUTPUT_BATCH_MAX_CHARS = 256 * 1024;

/** When a batch goes out. */
export interface BatchLimits {
  /** How long items are gathered before they are emitted together (ms). */
  delayMs: number;
  /** The items gathered are emitted at once when they reach this many characters. */
  maxChars: number;
  /** An item that comes after a quiet spell of `delayMs` is emitted at once (a keystroke's echo). */
  immediateAfterQuiet?: boolean;
}

/**
 * Collects items and emits them together after a delay or beyond a size: one message, one write
 * or one transaction per interval instead of one per item.
 */
export class Batcher<T> implements Disposable {
  private items: T[] = [];
  private chars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last batch went out, for `immediateAfterQuiet`. */
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  /** The next item is emitted at once, with what is gathered (see `emitNextAtOnce`). */
  private nextAtOnce = false;

  constructor(
    private readonly limits: BatchLimits,
    private readonly charsOf: (item: T) => number,
    private readonly emit: (items: T[]) => void,
  ) {}

  /** Nothing is waiting to be emitted. */
  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  push(item: T): void {
    this.items.push(item);
    this.chars += this.charsOf(item);
    const quiet =
      this.limits.immediateAfterQuiet === true && this.timer === undefined && performance.now() - this.lastEmitAt >= this.limits.delayMs;
    if (this.nextAtOnce || quiet || this.chars >= this.limits.maxChars) {
      this.nextAtOnce = false;
      this.flush();
    } else this.timer ??= setTimeout(() => this.flush(), this.limits.delayMs);
  }

  /**
   * The next item goes out at once instead of after the delay: what answers a keystroke (its
   * echo) is not held back by output that came just before it.
   */
  emitNextAtOnce(): void {
    this.nextAtOnce = true;
  }

  /** Emits what is gathered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.chars = 0;
    this.lastEmitAt = performance.now();
    this.emit(items);
  }

  /** Drops what is gathered without emitting it. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.chars = 0;
  }
}

/** Text batches: each item's size is its length, and a batch is its items joined. */
export function textBatcher(limits: BatchLimits, emit: (text: string) => void): Batcher<string> {
  return new Batcher<string>(limits, textLength, (texts) => emit(texts.length === 1 ? texts[0]! : texts.join('')));
}

function textLength(text: string): number {
  return text.length;
}

/**
 * Turns the pty's raw bytes into numbered text batches. Decoding is streaming, so a multi-byte
 * UTF-8 character split across two reads comes out whole; a byte sequence that is not UTF-8
 * becomes U+FFFD instead of throwing.
 */
export class OutputBatcher implements Disposable {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly batch: Batcher<string>;
  private seq = 0;

  constructor(emit: (seq: number, data: string) => void, startSeq = 0) {
    this.seq = startSeq;
    this.batch = textBatcher(
      { delayMs: OUTPUT_BATCH_DELAY_MS, maxChars: OUTPUT_BATCH_MAX_CHARS, immediateAfterQuiet: true },
      (data) => emit(++this.seq, data),
    );
  }

  /** The seq of the last batch emitted. */
  get lastSeq(): number {
    return this.seq;
  }

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text.length > 0) this.batch.push(text);
  }

  /** The next chunk is sent at once: a key was typed, and its echo is on the way (see Batcher.emitNextAtOnce). */
  expectEcho(): void {
    this.batch.emitNextAtOnce();
  }

  /** Emits what is pending now, including an incomplete character at the very end of the stream when `end`. */
  flush(end = false): void {
    const tail = end ? this.decoder.decode() : '';
    if (tail) this.batch.push(tail);
    this.batch.flush();
  }

  dispose(): void {
    this.batch.dispose();
  }
}
