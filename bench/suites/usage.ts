// Reading agents' transcripts for their usage: 100 MB of Claude Code transcript JSONL in ten files,
// shaped as Claude Code writes them (prompts and long tool results between assistant responses,
// each response of several content blocks written as several lines with one message id), read
// by the usage reader with every token summed, against `wc -l` of the same files in the same run.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { claudeTranscriptParser } from '../../electron/core/usage/claudeTranscript';
import { readNewLines } from '../../electron/core/usage/jsonlTail';
import { addTokens, NO_TOKENS, totalTokens } from '../../electron/core/usage/usageEntry';
import { median, type Suite } from '../harness';

/** The transcript written, in files of a tenth each. */
const TOTAL_BYTES = 100 * 1024 * 1024;
const FILES = 10;
/** Timed rounds of each, interleaved; the first is a warm-up (the files enter the page cache) and not counted. */
const ROUNDS = 5;

const run = promisify(execFile);

/** One file of about `bytes` bytes; returns the tokens it holds, as summed while writing. */
function writeTranscript(path: string, bytes: number, seed: number): number {
  const lines: string[] = [];
  let size = 0;
  let tokens = 0;
  let turn = 0;
  const filler = 'const value = compute(input); // a line of the file the tool read\n'.repeat(40);
  while (size < bytes) {
    turn++;
    const base = { sessionId: `bench-${seed}`, cwd: '/work/repo', version: '2.0.14', timestamp: new Date(1796200000000 + turn * 1000).toISOString() };
    const usage = { input_tokens: 3 + (turn % 7), cache_creation_input_tokens: 200 + turn, cache_read_input_tokens: 20000 + turn * 10, output_tokens: 50 + (turn % 300) };
    tokens += usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens + usage.output_tokens;
    const message = (content: unknown) => ({ id: `msg_${seed}_${turn}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [content], usage });
    const turnLines = [
      { ...base, type: 'user', uuid: `u${turn}`, message: { role: 'user', content: `Step ${turn}: go on with the refactor` } },
      { ...base, type: 'assistant', requestId: `req_${seed}_${turn}`, uuid: `a${turn}`, message: message({ type: 'thinking', thinking: 'Read the next file first.', signature: '' }) },
      { ...base, type: 'assistant', requestId: `req_${seed}_${turn}`, uuid: `b${turn}`, message: message({ type: 'tool_use', id: `toolu_${turn}`, name: 'Read', input: { file_path: `/work/repo/src/f${turn}.ts` } }) },
      { ...base, type: 'user', uuid: `r${turn}`, message: { role: 'user', content: [{ tool_use_id: `toolu_${turn}`, type: 'tool_result', content: filler }] } },
    ].map((l) => JSON.stringify(l));
    for (const line of turnLines) {
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return tokens;
}

/** Every token of the files, as the usage service reads them (incrementally, a chunk at a time). */
function sumTokens(paths: readonly string[]): number {
  let sum = NO_TOKENS;
  for (const path of paths) {
    const parser = claudeTranscriptParser(null);
    readNewLines(path, 0, (data, start, end) => {
      for (const entry of parser.lines(data, start, end)) sum = addTokens(sum, entry.tokens);
    });
  }
  return totalTokens(sum);
}

const suite: Suite = {
  name: 'usage',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-usage-'));
    try {
      const paths = Array.from({ length: FILES }, (_, i) => join(dir, `session-${i}.jsonl`));
      const expected = paths.reduce((s, path, i) => s + writeTranscript(path, TOTAL_BYTES / FILES, i), 0);
      const readMs: number[] = [];
      const wcMs: number[] = [];
      for (let round = 0; round <= ROUNDS; round++) {
        let start = performance.now();
        const tokens = sumTokens(paths);
        const read = performance.now() - start;
        if (tokens !== expected) throw new Error(`the reader summed ${tokens} tokens, the files hold ${expected}`);
        start = performance.now();
        await run('wc', ['-l', ...paths]);
        const wc = performance.now() - start;
        if (round === 0) continue;
        readMs.push(read);
        wcMs.push(wc);
      }
      console.log(`  ${FILES} files, ${TOTAL_BYTES / 2 ** 20} MiB, ${expected} tokens`);
      return [
        { name: 'usage: read 100 MB of Claude Code transcripts, tokens summed, vs wc -l', value: median(readMs), unit: 'ms', baseline: 'wc -l of the same files', baselineValue: median(wcMs), better: 'lower' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
