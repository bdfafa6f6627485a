import type { TokenCounts } from '../../../shared/contract';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { forEachLine } from './jsonlTail';
import { tokenField, timestampOf, type RecordParser, type UsageEntry } from './usageEntry';

/**
 * Codex CLI's session rollout: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`, one
 * `{timestamp, type, payload}` a line (codex-rs/protocol `RolloutLine`). `session_meta` opens it
 * with the session's `cwd`; each `turn_context` names the `model`; an `event_msg` whose payload is
 * `token_count` carries `info.total_token_usage` — the conversation's running total of
 * `input_tokens` (of which `cached_input_tokens` were read from the cache), `output_tokens`
 * (reasoning included) — and `rate_limits` with the account's windows (`used_percent`,
 * `window_minutes`, `resets_at` in epoch seconds). Tokens are the growth of that total.
 */

export interface CodexWindow {
  usedPercent: number | null;
  windowMinutes: number | null;
  /** Epoch ms. */
  resetsAt: number | null;
}

export interface CodexCarry {
  model: string | null;
  /** The running total as last read (`input` here is fresh input: cached input taken out). */
  total: TokenCounts | null;
  limits: { primary: CodexWindow | null; secondary: CodexWindow | null; at: number } | null;
}

/** The model Codex used when a rollout names none before its first count. */
export const CODEX_UNKNOWN_MODEL = 'codex (model not recorded)';

interface RolloutLine {
  timestamp?: unknown;
  type?: unknown;
  payload?: {
    type?: unknown;
    model?: unknown;
    cwd?: unknown;
    info?: { total_token_usage?: Record<string, unknown> } | null;
    rate_limits?: { primary?: Record<string, unknown> | null; secondary?: Record<string, unknown> | null } | null;
  };
}

const MARKERS = [Buffer.from('"token_count"'), Buffer.from('"turn_context"')];

function windowOf(raw: Record<string, unknown> | null | undefined): CodexWindow | null {
  if (!raw || typeof raw !== 'object') return null;
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const resets = number(raw.resets_at);
  return { usedPercent: number(raw.used_percent), windowMinutes: number(raw.window_minutes), resetsAt: resets === null ? null : resets * 1000 };
}

function totalOf(usage: Record<string, unknown>): TokenCounts {
  const input = tokenField(usage.input_tokens);
  const cached = Math.min(input, tokenField(usage.cached_input_tokens));
  return { input: input - cached, output: tokenField(usage.output_tokens), cacheWrite: 0, cacheRead: cached };
}

export function codexRolloutParser(carry: unknown, now: () => number = Date.now): RecordParser & { state(): CodexCarry } {
  const kept = (carry ?? {}) as Partial<CodexCarry>;
  const state: CodexCarry = { model: kept.model ?? null, total: kept.total ?? null, limits: kept.limits ?? null };
  const contains = (data: Buffer, s: number, e: number) => MARKERS.some((m) => {
    const at = data.indexOf(m, s);
    return at !== -1 && at < e;
  });
  return {
    lines(data, start, end) {
      const entries: UsageEntry[] = [];
      forEachLine(data, start, end, (s, e) => {
        if (!contains(data, s, e)) return;
        let line: RolloutLine;
        try {
          line = JSON.parse(data.toString('utf8', s, e)) as RolloutLine;
        } catch {
          return;
        }
        const payload = line.payload;
        if (line.type === 'turn_context' && typeof payload?.model === 'string') state.model = payload.model;
        if (line.type !== 'event_msg' || payload?.type !== 'token_count') return;
        const at = timestampOf(line.timestamp, now());
        if (payload.rate_limits) state.limits = { primary: windowOf(payload.rate_limits.primary), secondary: windowOf(payload.rate_limits.secondary), at };
        const usage = payload.info?.total_token_usage;
        if (!usage || typeof usage !== 'object') return;
        const total = totalOf(usage);
        const before = state.total;
        // A total below the last one starts over (a new conversation in the same file): all of it is new.
        const restarted = before !== null && (total.input < before.input || total.output < before.output || total.cacheRead < before.cacheRead);
        const base = before === null || restarted ? { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 } : before;
        state.total = total;
        const delta = { input: total.input - base.input, output: total.output - base.output, cacheWrite: 0, cacheRead: total.cacheRead - base.cacheRead };
        if (delta.input + delta.output + delta.cacheRead === 0) return;
        entries.push({ model: state.model ?? CODEX_UNKNOWN_MODEL, at, tokens: delta });
      });
      return entries;
    },
    carry: () => ({ ...state }),
    state: () => state,
  };
}

/** The first line of a rollout (its `session_meta`, which holds the instructions) is at most this long. */
const META_MAX_BYTES = 4 * 1024 * 1024;

/** The `cwd` and start time a rollout's first line (`session_meta`) names, or null. */
export function rolloutMeta(path: string): { cwd: string; startedAt: number } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.allocUnsafe(Math.min(META_MAX_BYTES, fstatSync(fd).size));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const newline = buffer.indexOf(10);
    if (newline === -1 || newline >= read) return null;
    const line = JSON.parse(buffer.toString('utf8', 0, newline)) as RolloutLine & { payload?: { timestamp?: unknown } };
    if (line.type !== 'session_meta' || typeof line.payload?.cwd !== 'string') return null;
    return { cwd: line.payload.cwd, startedAt: timestampOf(line.payload.timestamp ?? line.timestamp, 0) };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
