import type { Disposable } from '../disposable';

/** Quiet time after the program's latest output before its typed prompt is sent (ms). */
export const INITIAL_INPUT_SETTLE_MS = 200;
/** Longest wait for a first output before the typed prompt is sent anyway (ms). */
export const INITIAL_INPUT_MAX_WAIT_MS = 3_000;

/**
 * Text typed into a new program once it is ready for it: after its output has been quiet for a
 * moment, or after a deadline. Typed earlier, before the program puts the terminal in raw mode, it
 * can be echoed twice or garbled. Typed at most once; never after `dispose` (the program exited).
 */
export class InitialInput implements Disposable {
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private pending: string | undefined,
    private readonly type: (text: string) => void,
  ) {
    if (pending) this.deadlineTimer = setTimeout(() => this.send(), INITIAL_INPUT_MAX_WAIT_MS);
  }

  /** The program wrote output: wait for it to be quiet again. */
  onOutput(): void {
    if (!this.pending) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.send(), INITIAL_INPUT_SETTLE_MS);
  }

  private send(): void {
    const text = this.pending;
    this.dispose();
    if (text) this.type(text);
  }

  dispose(): void {
    clearTimeout(this.settleTimer);
    clearTimeout(this.deadlineTimer);
    this.pending = undefined;
  }
}
