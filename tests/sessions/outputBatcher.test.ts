import { describe, expect, it } from 'vitest';
import { Batcher, OutputBatcher, textBatcher } from '../../electron/core/sessions/outputBatcher';
import { waitFor } from '../helpers/waitFor';

describe('the batcher', () => {
  it('emits what it gathered once the delay has passed, in the order pushed', async () => {
    const emitted: string[] = [];
    const batcher = textBatcher({ delayMs: 20, maxChars: 1_000 }, (text) => emitted.push(text));
    batcher.push('a');
    batcher.push('b');
    batcher.push('c');
    expect(emitted).toEqual([]);
    await waitFor('the delayed batch', () => emitted.length > 0);
    expect(emitted).toEqual(['abc']);
  });

  it('emits at once when the items reach the size cap', () => {
    const emitted: number[][] = [];
    const batcher = new Batcher<number>({ delayMs: 60_000, maxChars: 10 }, (n) => n, (items) => emitted.push(items));
    batcher.push(4);
    batcher.push(5);
    expect(emitted).toEqual([]);
    batcher.push(1);
    expect(emitted).toEqual([[4, 5, 1]]);
    expect(batcher.isEmpty).toBe(true);
    batcher.dispose();
  });

  it('sends the first output after a quiet spell at once (a keystroke echo), and gathers what follows it', async () => {
    const emitted: [number, string][] = [];
    const batcher = new OutputBatcher((seq, data) => emitted.push([seq, data]), 7);
    batcher.push(new TextEncoder().encode('k'));
    expect(emitted).toEqual([[8, 'k']]);
    batcher.push('l');
    batcher.push('m');
    expect(emitted).toHaveLength(1);
    await waitFor('the gathered rest', () => emitted.length === 2);
    expect(emitted[1]).toEqual([9, 'lm']);
    expect(batcher.lastSeq).toBe(9);
  });

  it('sends what follows a keystroke at once, even right after other output it is still gathering', () => {
    const emitted: [number, string][] = [];
    const batcher = new OutputBatcher((seq, data) => emitted.push([seq, data]));
    batcher.push('a');
    batcher.push('b');
    expect(emitted).toEqual([[1, 'a']]);
    batcher.expectEcho();
    batcher.push('k');
    expect(emitted).toEqual([[1, 'a'], [2, 'bk']]);
    // Only the next chunk: what comes after the echo is gathered again.
    batcher.push('c');
    expect(emitted).toHaveLength(2);
    batcher.dispose();
  });

  it('keeps a UTF-8 character split across reads whole, and flushes an incomplete one at the end as U+FFFD', () => {
    const emitted: string[] = [];
    const batcher = new OutputBatcher((_seq, data) => emitted.push(data));
    const euro = new TextEncoder().encode('€');
    batcher.push(euro.slice(0, 2));
    batcher.push(euro.slice(2));
    batcher.push(euro.slice(0, 1));
    batcher.flush(true);
    expect(emitted.join('')).toBe('€\uFFFD');
  });

  it('drops what it gathered when disposed', async () => {
    const emitted: string[] = [];
    const batcher = textBatcher({ delayMs: 5, maxChars: 1_000 }, (text) => emitted.push(text));
    batcher.push('gone');
    batcher.dispose();
    const later = textBatcher({ delayMs: 5, maxChars: 1_000 }, (text) => emitted.push(text));
    later.push('kept');
    await waitFor('the later batch', () => emitted.length > 0);
    expect(emitted).toEqual(['kept']);
  });
});
