import type { TokenCounts } from '../../../shared/contract';

/** Tokens one model used at one moment, as read from an agent's record. */
export interface UsageEntry {
  model: string;
  /** Epoch ms (the record's timestamp; the time of reading when it has none). */
  at: number;
  tokens: TokenCounts;
}

export const NO_TOKENS: TokenCounts = Object.freeze({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 });

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return { input: a.input + b.input, output: a.output + b.output, cacheWrite: a.cacheWrite + b.cacheWrite, cacheRead: a.cacheRead + b.cacheRead };
}

export const totalTokens = (t: TokenCounts) => t.input + t.output + t.cacheWrite + t.cacheRead;

/** A count read from a record: a non-negative integer, or 0 for anything else. */
export const tokenField = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/** The record's ISO timestamp in epoch ms, or `fallback`. */
export function timestampOf(value: unknown, fallback: number): number {
  if (typeof value !== 'string') return fallback;
  const at = Date.parse(value);
  return Number.isNaN(at) ? fallback : at;
}

/** A reader of one agent's record format: fed complete lines, it says what tokens they hold. */
export interface RecordParser {
  /** `data[start, end)` holds whole lines (see readNewLines). */
  lines(data: Buffer, start: number, end: number): UsageEntry[];
  /** What must be kept between reads (JSON-serialisable), to go on after a restart. */
  carry(): unknown;
}
