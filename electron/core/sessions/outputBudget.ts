import type { Disposable } from '../disposable';

/**
 * Output of sessions that no pane shows, in characters per second for all of them together. An
 * agent's own output is a few kilobytes a second; a runaway build log or a `cat` of a huge file in
 * a hidden session is far more, and unbounded it would take the CPU from the pane the user is
 * typing into (its mirror, its transcript and the pty reads all cost). Above this rate the
 * session's pty is paused, so the program waits in its write, as it would behind a slow terminal.
 */
export const UNWATCHED_OUTPUT_CHARS_PER_SECOND = 4_000_000;

/** After a quiet spell, unwatched sessions may send this long's worth at once before the rate applies (ms). */
export const UNWATCHED_OUTPUT_BURST_MS = 250;

/**
 * A token bucket shared by the sessions nobody watches. Spending may overdraw it: a pty read is
 * already done when it is counted. While it is overdrawn, sessions wait; they are all resumed once
 * the debt is paid back, so each gets its turn.
 */
export class OutputBudget implements Disposable {
  private readonly burstChars: number;
  private balance: number;
  private updatedAt: number;
  private readonly waiting = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly charsPerSecond = UNWATCHED_OUTPUT_CHARS_PER_SECOND,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burstChars = (charsPerSecond * UNWATCHED_OUTPUT_BURST_MS) / 1000;
    this.balance = this.burstChars;
    this.updatedAt = now();
  }

  /** Counts `chars` sent; false when the budget is now overdrawn and the sender must wait. */
  spend(chars: number): boolean {
    this.refill();
    this.balance -= chars;
    return this.balance >= 0;
  }

  /** Calls `resume` once the budget is no longer overdrawn. */
  wait(resume: () => void): Disposable {
    this.waiting.add(resume);
    this.schedule();
    return { dispose: () => void this.waiting.delete(resume) };
  }

  private refill(): void {
    const now = this.now();
    this.balance = Math.min(this.burstChars, this.balance + ((now - this.updatedAt) / 1000) * this.charsPerSecond);
    this.updatedAt = now;
  }

  private schedule(): void {
    if (this.timer || this.waiting.size === 0) return;
    this.refill();
    const ms = this.balance >= 0 ? 0 : Math.ceil((-this.balance / this.charsPerSecond) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      if (this.balance < 0) return this.schedule();
      const resumed = [...this.waiting];
      this.waiting.clear();
      for (const resume of resumed) resume();
    }, ms);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }
}
