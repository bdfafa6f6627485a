import type { TokenCounts } from '../../../shared/contract';
import { tokenField, timestampOf, type RecordParser, type UsageEntry } from './usageEntry';

/**
 * Claude Code's transcript: one JSON object a line, in `~/.claude/projects/<cwd>/<session>.jsonl`,
 * the file its hooks name as `transcript_path`. An assistant line carries `message.model` and
 * `message.usage` with `input_tokens`, `output_tokens`, `cache_creation_input_tokens` and
 * `cache_read_input_tokens`. One API response with several content blocks is written as several
 * lines with the same `message.id` and `requestId`: it is counted once (as ccusage does). Lines of
 * one response are written one after the other, so only the last few responses are remembered.
 * The model `<synthetic>` marks messages Claude Code made itself (no API call): not counted.
 */

/** Responses remembered for de-duplication; lines of one response never lie further apart than this. */
export const CLAUDE_RECENT_MESSAGES = 64;

const USAGE = Buffer.from('"usage"');
const SYNTHETIC_MODEL = '<synthetic>';

export interface ClaudeCarry {
  /** The last responses counted, each with the counts already taken from it. */
  recent: [string, TokenCounts][];
}

interface AssistantLine {
  type?: unknown;
  timestamp?: unknown;
  requestId?: unknown;
  message?: { id?: unknown; model?: unknown; usage?: Record<string, unknown> };
}

const countsOf = (usage: Record<string, unknown>): TokenCounts => ({
  input: tokenField(usage.input_tokens),
  output: tokenField(usage.output_tokens),
  cacheWrite: tokenField(usage.cache_creation_input_tokens),
  cacheRead: tokenField(usage.cache_read_input_tokens),
});

export function claudeTranscriptParser(carry: unknown, now: () => number = Date.now): RecordParser {
  const recent = new Map<string, TokenCounts>(
    Array.isArray((carry as ClaudeCarry | null)?.recent) ? (carry as ClaudeCarry).recent : [],
  );

  /** The counts not taken yet from a response seen before: a later line may carry more output. */
  function fresh(key: string | null, counts: TokenCounts): TokenCounts | null {
    if (key === null) return counts;
    const before = recent.get(key);
    if (before === undefined) {
      recent.set(key, counts);
      if (recent.size > CLAUDE_RECENT_MESSAGES) recent.delete(recent.keys().next().value!);
      return counts;
    }
    const delta = {
      input: Math.max(0, counts.input - before.input),
      output: Math.max(0, counts.output - before.output),
      cacheWrite: Math.max(0, counts.cacheWrite - before.cacheWrite),
      cacheRead: Math.max(0, counts.cacheRead - before.cacheRead),
    };
    if (delta.input + delta.output + delta.cacheWrite + delta.cacheRead === 0) return null;
    recent.set(key, {
      input: Math.max(counts.input, before.input),
      output: Math.max(counts.output, before.output),
      cacheWrite: Math.max(counts.cacheWrite, before.cacheWrite),
      cacheRead: Math.max(counts.cacheRead, before.cacheRead),
    });
    return delta;
  }

  return {
    lines(data, start, end) {
      const entries: UsageEntry[] = [];
      // Only lines that mention "usage" are parsed: the bulk of a transcript (prompts, tool output) is skipped as bytes.
      let hit = data.indexOf(USAGE, start);
      while (hit !== -1 && hit < end) {
        const lineStart = Math.max(start, data.lastIndexOf(10, hit) + 1);
        let lineEnd = data.indexOf(10, hit);
        if (lineEnd === -1 || lineEnd > end) lineEnd = end;
        let line: AssistantLine | null = null;
        try {
          line = JSON.parse(data.toString('utf8', lineStart, lineEnd)) as AssistantLine;
        } catch {
          line = null; // a torn or foreign line: not usage
        }
        const message = line?.message;
        const usage = message?.usage;
        if (line?.type === 'assistant' && typeof usage === 'object' && usage !== null && typeof message?.model === 'string' && message.model !== SYNTHETIC_MODEL) {
          const id = typeof message.id === 'string' ? message.id : null;
          const key = id === null ? null : `${id}:${typeof line.requestId === 'string' ? line.requestId : ''}`;
          const counts = fresh(key, countsOf(usage));
          if (counts !== null) entries.push({ model: message.model, at: timestampOf(line.timestamp, now()), tokens: counts });
        }
        hit = data.indexOf(USAGE, lineEnd + 1);
      }
      return entries;
    },
    carry: (): ClaudeCarry => ({ recent: [...recent] }),
  };
}
