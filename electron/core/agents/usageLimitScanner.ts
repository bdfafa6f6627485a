import type { AgentKind } from '../../../shared/contract';
import { plainText } from '../sessions/transcriptText';
import { detectUsageLimit, type UsageLimit } from './usageLimits';

/**
 * Words every limit message of every agent holds: output without one is never read further, so
 * that an agent's ordinary output (or a flood) costs one cheap test per batch.
 */
const LIMIT_HINT = /limit|quota|exhausted/i;

/**
 * Raw characters of the previous batch kept for the next: a hint cut in two by a batch edge is
 * still found, and a message's words before its hint are read with it.
 */
const CARRY = 512;

/** The end of the carried characters tested with a batch for a hint cut in two. */
const HINT_OVERLAP = 16;

/**
 * How long output keeps coming after a hint before the message is read (ms): agents draw a
 * message in several writes, and its reset time (or zone) may come after its first words.
 */
export const LIMIT_SCAN_SETTLE_MS = 150;

/** CSI n C: the cursor moved forward, over what reads as spaces. */
// eslint-disable-next-line no-control-regex -- an escape sequence is what it matches
const CURSOR_FORWARD = /\x1b\[\d*C/g;

/** Plain text kept while a message is being read (characters). */
const MAX_BUFFER = 4096;

/** Time and a timer, as the state observer has them. */
export interface ScanClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Reads one run of an agent's output for a usage limit and reports it once. Only what this run
 * printed is read (a resumed session's old screen is not), and a hook that says a turn ended on a
 * rate limit without saying when it resets has its time looked for in the output around it.
 */
export class UsageLimitScanner {
  private carry = '';
  private buffer = '';
  private timer: unknown = null;
  /** A hook said a limit ended the turn: report it after the settle time even if the output said nothing. */
  private expected: string | null = null;
  private reported = false;

  constructor(
    private readonly kind: AgentKind,
    private readonly clock: ScanClock,
    private readonly report: (limit: UsageLimit) => void,
  ) {}

  output(text: string): void {
    if (this.reported) return;
    const reading = this.timer !== null;
    const carried = this.carry;
    this.carry = text.length >= CARRY ? text.slice(-CARRY) : (carried + text).slice(-CARRY);
    // The batch itself, then the seam with the previous one: no copy of a large batch.
    if (!reading && !LIMIT_HINT.test(text) && !LIMIT_HINT.test(carried.slice(-HINT_OVERLAP) + text.slice(0, HINT_OVERLAP))) return;
    // Cursor moves forward stand for the spaces between words.
    const plain = plainText((reading ? text : carried + text).replace(CURSOR_FORWARD, ' '));
    this.buffer = (this.buffer + plain).slice(-MAX_BUFFER);
    this.arm();
  }

  /** Words a hook carried (a stop's last message, an error): read as they are, at once. */
  hookText(text: string): void {
    if (this.reported || !LIMIT_HINT.test(text)) return;
    const limit = detectUsageLimit(this.kind, text, this.clock.now());
    if (limit) this.finish(limit);
  }

  /** A hook said a limit ended the turn, and the limit is not reported yet (it is, within the settle time). */
  get expecting(): boolean {
    return this.expected !== null && !this.reported;
  }

  /** A hook said the turn ended on a rate limit, without its reset: the output is read for it. */
  expectLimit(what: string): void {
    if (this.reported) return;
    this.expected = what;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.scan();
    }, LIMIT_SCAN_SETTLE_MS);
  }

  private scan(): void {
    if (this.reported) return;
    const limit = detectUsageLimit(this.kind, this.buffer, this.clock.now());
    this.buffer = '';
    if (limit) return this.finish(limit);
    if (this.expected !== null) this.finish({ resetAt: null, message: this.expected });
  }

  private finish(limit: UsageLimit): void {
    this.reported = true;
    this.dispose();
    this.report(limit);
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.buffer = '';
  }
}
