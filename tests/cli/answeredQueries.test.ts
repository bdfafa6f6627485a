import { describe, expect, it } from 'vitest';
import { answeredQueryFilter } from '../../shared/terminalQueries';

/** The filter's output for the chunks, joined, as a terminal would get it. */
const through = (chunks: string[]) => {
  const filter = answeredQueryFilter();
  return chunks.map(filter).join('');
};

describe("output to an attached terminal, without the questions the host's mirror answers", () => {
  it('leaves out each of them, wherever it is in the output', () => {
    const questions = [
      '\x1b[6n', '\x1b[5n', '\x1b[?6n', '\x1b[c', '\x1b[0c', '\x1b[>c', '\x1b[>0c', '\x1b[2004$p', '\x1b[?2004$p', '\x1bP$qm\x1b\\', '\x1bP$q"p\x07',
      // Colour questions, with BEL or ST, alone or beside a colour set.
      '\x1b]11;?\x07', '\x1b]10;?\x1b\\', '\x1b]12;?\x07', '\x1b]10;?;?\x07', '\x1b]4;1;?\x07', '\x1b]4;1;#ff0000;2;?\x1b\\',
    ];
    for (const question of questions) {
      expect(through([`before${question}after`]), JSON.stringify(question)).toBe('beforeafter');
    }
  });

  it('keeps everything else: colours, cursor moves, titles, colours set or restored, a DCS of another kind', () => {
    const kept = 'a\x1b[1;31mred\x1b[0m\x1b[2;5H\x1b[?25l\x1b]0;title\x07\x1b]11;#101010\x07\x1b]4;1;rgb:ff/00/00\x1b\\\x1b]104\x07\x1b]1;icon\x07\x1b[>4;2m\x1bP1$r0m\x1b\\\x1b[2J\x1b[1;2R';
    expect(through([kept])).toBe(kept);
  });

  it('finds a question cut by a chunk\'s end, at every point of the cut, and holds nothing back once the chunk tells', () => {
    const text = 'one\x1b[6ntwo\x1b[?2004$pthree\x1bP$qm\x1b\\four\x1b]11;?\x1b\\\x1b[31mfive\x1b]10;#fff\x07';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(through([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toBe('onetwothreefour\x1b[31mfive\x1b]10;#fff\x07');
    }
    // A byte at a time.
    expect(through([...text])).toBe('onetwothreefour\x1b[31mfive\x1b]10;#fff\x07');
  });

  it('lets a DCS string that never ends through instead of holding the output back for it', () => {
    const filter = answeredQueryFilter();
    const endless = `\x1bP$q${'x'.repeat(100)}`;
    expect(filter(endless)).toBe(endless);
    expect(filter('next')).toBe('next');
  });
});
