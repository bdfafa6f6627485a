import type { InlineCode, PhrasingContent, Text } from 'mdast';
import type { Point } from 'unist';

/**
 * Characters that make a span of text more than literal text (outside code spans): escapes,
 * emphasis with "_", HTML and autolinks, character references, strikethrough, table cells, and a
 * tab or a NUL (which the full parser reads specially). A "](" is checked beside it; "*" is read
 * by strongIn.
 */
const SPECIAL_RE = /[\\_<&~|\t\0]|\]\(/;

/** The phrasing (inline content) of the lines the line reader reads (planLineReader.ts), node for node as mdast has it. */
export class LinePhrasing {
  constructor(
    private readonly text: string,
    private readonly point: (offset: number) => Point,
  ) {}

  private position(start: number, end: number) {
    return { start: this.point(start), end: this.point(end) };
  }

  /**
   * The phrasing of one line: text, code spans and strong emphasis as CommonMark reads them, or
   * undefined when the line holds anything else markdown reads. A run of backticks opens a code
   * span that the next run of the same length closes, else it is text; `**` runs outside code
   * spans are read when each can only open or only close and they alternate (see strongIn).
   * `lineOfMany`: the line is one of a paragraph's several, and a backtick run left open here
   * could close on a later line, so it is left to the full parser.
   */
  line(from: number, to: number, nodes: PhrasingContent[] = [], lineOfMany = false): PhrasingContent[] | undefined {
    const line = this.text.slice(from, to);
    let textStart = 0;
    let at = line.indexOf('`');
    while (at !== -1) {
      let runEnd = at;
      while (line.charCodeAt(runEnd) === 96) runEnd++;
      const size = runEnd - at;
      const close = closingRun(line, runEnd, size);
      if (close === -1) {
        if (lineOfMany) return undefined;
        at = line.indexOf('`', runEnd);
        continue;
      }
      if (!this.pushPhrasing(nodes, line, from, textStart, at)) return undefined;
      let value = line.slice(runEnd, close);
      if (value.length >= 2 && value.charCodeAt(0) === 32 && value.charCodeAt(value.length - 1) === 32 && /[^ ]/.test(value)) value = value.slice(1, -1);
      const code: InlineCode = { type: 'inlineCode', value, position: this.position(from + at, from + close + size) };
      nodes.push(code);
      textStart = close + size;
      at = line.indexOf('`', textStart);
    }
    if (!this.pushPhrasing(nodes, line, from, textStart, line.length)) return undefined;
    return nodes;
  }

  /**
   * The phrasing of a paragraph of lines `first` to `last` (where they start and end in the text), each read as one line: a code span or strong
   * emphasis that would reach over a line ending is left to the full parser. The line endings are
   * kept in the text as written.
   */
  lines(starts: Int32Array, ends: Int32Array, first: number, last: number): PhrasingContent[] | undefined {
    const nodes: PhrasingContent[] = [];
    for (let index = first; index <= last; index++) {
      if (!this.line(starts[index]!, ends[index]!, nodes, true)) return undefined;
      if (index < last) this.pushText(nodes, ends[index]!, starts[index + 1]!);
    }
    return nodes;
  }

  /** Text and strong emphasis in `line`[from, to) (`base` is the line's offset), unless markdown would read more there. */
  private pushPhrasing(nodes: PhrasingContent[], line: string, base: number, from: number, to: number): boolean {
    if (from === to) return true;
    const value = line.slice(from, to);
    if (SPECIAL_RE.test(value)) return false;
    if (!value.includes('*')) {
      this.pushText(nodes, base + from, base + to);
      return true;
    }
    const runs = strongIn(line, from, to);
    if (!runs) return false;
    let at = from;
    for (let i = 0; i < runs.length; i += 2) {
      const open = runs[i]!;
      const close = runs[i + 1]!;
      this.pushText(nodes, base + at, base + open);
      const inner: Text = { type: 'text', value: line.slice(open + 2, close), position: this.position(base + open + 2, base + close) };
      nodes.push({ type: 'strong', children: [inner], position: this.position(base + open, base + close + 2) });
      at = close + 2;
    }
    this.pushText(nodes, base + at, base + to);
    return true;
  }

  /** Text from `from` to `to` of the whole text, joined to a text node that ends there (as mdast merges them). */
  private pushText(nodes: PhrasingContent[], from: number, to: number): void {
    if (from === to) return;
    const last = nodes.at(-1);
    if (last?.type === 'text' && last.position!.end.offset === from) {
      last.value += this.text.slice(from, to);
      last.position!.end = this.point(to);
      return;
    }
    nodes.push({ type: 'text', value: this.text.slice(from, to), position: this.position(from, to) });
  }
}

/** ASCII punctuation, as CommonMark's flanking rules read it beside a delimiter run. */
const PUNCTUATION_RE = /[!-/:-@[-`{-~]/;

/**
 * The `**` runs of `line`[from, to) as pairs of offsets (opening, closing, …), when strong
 * emphasis there is plain to read: every run of asterisks is two long, beside an ASCII character
 * or the line's edge; each opening run can only open (left-flanking, not right-flanking) and each
 * closing run can only close, and they alternate. Else undefined: the full parser reads the line.
 */
function strongIn(line: string, from: number, to: number): number[] | undefined {
  const runs: number[] = [];
  for (let at = line.indexOf('*', from); at !== -1 && at < to; at = line.indexOf('*', at + 2)) {
    if (line.charCodeAt(at + 1) !== 42 || line.charCodeAt(at + 2) === 42 || at + 2 > to) return undefined;
    const before = at === 0 ? ' ' : line[at - 1]!;
    const after = at + 2 >= line.length ? ' ' : line[at + 2]!;
    if (before.charCodeAt(0) > 127 || after.charCodeAt(0) > 127) return undefined;
    const beforeSpace = before === ' ';
    const afterSpace = after === ' ';
    const beforePunct = PUNCTUATION_RE.test(before);
    const afterPunct = PUNCTUATION_RE.test(after);
    const left = !afterSpace && (!afterPunct || beforeSpace || beforePunct);
    const right = !beforeSpace && (!beforePunct || afterSpace || afterPunct);
    const opening = runs.length % 2 === 0;
    if (opening ? !left || right : !right || left) return undefined;
    runs.push(at);
  }
  return runs.length % 2 === 0 ? runs : undefined;
}

/** Where the next run of exactly `size` backticks starts in `line` from `from` on, or -1. */
function closingRun(line: string, from: number, size: number): number {
  let at = line.indexOf('`', from);
  while (at !== -1) {
    let end = at;
    while (line.charCodeAt(end) === 96) end++;
    if (end - at === size) return at;
    at = line.indexOf('`', end);
  }
  return -1;
}
