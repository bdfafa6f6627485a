import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenCounts } from '../../shared/contract';
import { claudeTranscriptParser } from '../../electron/core/usage/claudeTranscript';
import { codexRolloutParser } from '../../electron/core/usage/codexRollout';
import { readNewLines } from '../../electron/core/usage/jsonlTail';
import { costOf, DEFAULT_PRICES, priceOf, priceTable } from '../../electron/core/usage/prices';
import { addTokens, NO_TOKENS, type RecordParser, type UsageEntry } from '../../electron/core/usage/usageEntry';
import { tempDir } from '../helpers/tempDir';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'usage');

/** Reads the file from `offset` with the parser, as the usage service does: tokens per model, and where it stopped. */
function read(path: string, parser: RecordParser, offset = 0, chunkBytes?: number) {
  const entries: UsageEntry[] = [];
  const result = readNewLines(path, offset, (data, start, end) => entries.push(...parser.lines(data, start, end)), chunkBytes);
  const perModel: Record<string, TokenCounts> = {};
  for (const e of entries) perModel[e.model] = addTokens(perModel[e.model] ?? NO_TOKENS, e.tokens);
  return { entries, perModel, offset: result?.offset ?? null };
}

describe('the Claude Code transcript reader', () => {
  it('sums the fixture to the hand-summed figures: each response once, cache tokens included, synthetic messages left out', () => {
    const { perModel, entries } = read(join(fixtures, 'claude-transcript.jsonl'), claudeTranscriptParser(null));
    expect(perModel).toEqual({
      'claude-sonnet-4-5-20250929': { input: 14, output: 210, cacheWrite: 2300, cacheRead: 2000 },
      'claude-haiku-4-5-20251001': { input: 500, output: 20, cacheWrite: 0, cacheRead: 0 },
    });
    // Each entry keeps the time of its message, so that usage lands in its hour.
    expect(entries.map((e) => new Date(e.at).toISOString())).toEqual(['2026-12-01T09:00:04.000Z', '2026-12-01T09:00:09.000Z', '2026-12-01T10:15:00.000Z']);
  });

  it('gives the same figures read in chunks far smaller than a line', () => {
    const { perModel } = read(join(fixtures, 'claude-transcript.jsonl'), claudeTranscriptParser(null), 0, 97);
    expect(perModel['claude-sonnet-4-5-20250929']).toEqual({ input: 14, output: 210, cacheWrite: 2300, cacheRead: 2000 });
  });

  it('reads a transcript that grows while it is read: a half-written line waits, a response split across reads counts once', () => {
    const lines = readFileSync(join(fixtures, 'claude-transcript.jsonl'), 'utf8').split('\n').filter(Boolean);
    const path = join(tempDir('switchyard-usage-'), 'growing.jsonl');
    // The first line of msg_01A, and half of its second line (the agent is writing it).
    writeFileSync(path, `${lines.slice(0, 3).join('\n')}\n${lines[3]!.slice(0, 120)}`);
    let parser = claudeTranscriptParser(null);
    const first = read(path, parser);
    expect(first.perModel['claude-sonnet-4-5-20250929']).toEqual({ input: 10, output: 150, cacheWrite: 2000, cacheRead: 0 });
    // The read stops at the start of the line not yet complete.
    expect(first.offset).toBe(Buffer.byteLength(`${lines.slice(0, 3).join('\n')}\n`));

    // The line is finished and more follow; the next read goes on from the offset, with what the last one carried.
    appendFileSync(path, `${lines[3]!.slice(120)}\n${lines.slice(4).join('\n')}\n`);
    parser = claudeTranscriptParser(JSON.parse(JSON.stringify(parser.carry())));
    const second = read(path, parser, first.offset!);
    expect(second.perModel).toEqual({
      'claude-sonnet-4-5-20250929': { input: 4, output: 60, cacheWrite: 300, cacheRead: 2000 },
      'claude-haiku-4-5-20251001': { input: 500, output: 20, cacheWrite: 0, cacheRead: 0 },
    });
    // Nothing new: nothing read twice.
    expect(read(path, claudeTranscriptParser(parser.carry()), second.offset!).entries).toEqual([]);
  });

  it('counts the output a later line of the same response adds, once', () => {
    const path = join(tempDir('switchyard-usage-'), 'streamed.jsonl');
    const line = (output: number) =>
      JSON.stringify({ type: 'assistant', requestId: 'req_9', timestamp: '2026-12-01T09:00:00Z', message: { id: 'msg_9', model: 'claude-opus-4-5-20251101', usage: { input_tokens: 3, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 } } });
    writeFileSync(path, `${line(1)}\n${line(95)}\n${line(95)}\n`);
    expect(read(path, claudeTranscriptParser(null)).perModel).toEqual({ 'claude-opus-4-5-20251101': { input: 3, output: 95, cacheWrite: 0, cacheRead: 100 } });
  });

  it('says a file that does not exist yet is not there, rather than empty', () => {
    expect(readNewLines(join(tempDir(), 'none.jsonl'), 0, () => undefined)).toBeNull();
  });
});

describe('the Codex rollout reader', () => {
  it('takes the growth of the running total: fresh input without the cached part, the model of the turn, the rate-limit windows', () => {
    const parser = codexRolloutParser(null);
    const { perModel } = read(join(fixtures, 'codex-rollout.jsonl'), parser);
    expect(perModel).toEqual({ 'gpt-5-codex': { input: 1300, output: 500, cacheWrite: 0, cacheRead: 1200 } });
    const limits = parser.state().limits!;
    expect(limits.primary).toEqual({ usedPercent: 9, windowMinutes: 300, resetsAt: 1796202000_000 });
    expect(limits.secondary?.windowMinutes).toBe(10080);
  });

  it('goes on from its carry after a restart without counting the total twice', () => {
    const lines = readFileSync(join(fixtures, 'codex-rollout.jsonl'), 'utf8').split('\n').filter(Boolean);
    const path = join(tempDir('switchyard-usage-'), 'rollout.jsonl');
    writeFileSync(path, `${lines.slice(0, 4).join('\n')}\n`);
    const first = codexRolloutParser(null);
    const a = read(path, first);
    appendFileSync(path, `${lines.slice(4).join('\n')}\n`);
    const b = read(path, codexRolloutParser(JSON.parse(JSON.stringify(first.carry()))), a.offset!);
    expect(addTokens(a.perModel['gpt-5-codex']!, b.perModel['gpt-5-codex']!)).toEqual({ input: 1300, output: 500, cacheWrite: 0, cacheRead: 1200 });
  });
});

describe('the price table', () => {
  it('prices a model id with its date suffix by its row, and leaves an unknown model unpriced rather than free', () => {
    const sonnet = priceOf(DEFAULT_PRICES, 'claude-sonnet-4-5-20250929')!;
    expect(sonnet.model).toBe('claude-sonnet-4-5');
    expect(sonnet.source).toMatch(/^https:\/\/platform\.claude\.com\//);
    // 14 × 3 + 210 × 15 + 2300 × 3.75 + 2000 × 0.30, per million.
    expect(costOf(sonnet, { input: 14, output: 210, cacheWrite: 2300, cacheRead: 2000 })).toBeCloseTo(0.012417, 6);
    // claude-opus-4-5-… is not priced as claude-opus-4.
    expect(priceOf(DEFAULT_PRICES, 'claude-opus-4-5-20251101')?.model).toBe('claude-opus-4-5');
    expect(priceOf(DEFAULT_PRICES, 'claude-imaginary-9-20990101')).toBeNull();
  });

  it('takes the user’s prices over the defaults and for models it does not know', () => {
    const table = priceTable(['claude-imaginary-9=1/2/3/4', 'claude-sonnet-4-5=1/1/1/1']);
    expect(priceOf(table, 'claude-imaginary-9')).toMatchObject({ input: 1, output: 2, cacheWrite: 3, cacheRead: 4, origin: 'user' });
    expect(priceOf(table, 'claude-sonnet-4-5-20250929')?.origin).toBe('user');
  });
});

