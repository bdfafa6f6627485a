import type { Heading, List, ListItem, Paragraph, Root, RootContent } from 'mdast';
import type { Point } from 'unist';
import { isCleanEnd, OpenBlockScan } from './planBlockScan';
import { LinePhrasing } from './planLinePhrasing';

/**
 * Most lines of a plan are ATX headings, one-line list items ("- [ ] T-4 …", "2. …"), plain
 * paragraphs and blank lines, with no inline markdown but `code` and **strong** (planLinePhrasing.ts). This reader builds their
 * markdown tree itself, node for node and position for position what micromark and
 * mdast-util-from-markdown build (tests/plans/lineReader.test.ts holds it to that over every plan
 * and hostile inputs), and hands each run of other blocks (emphasis, links, tables, fences, HTML,
 * nesting, lazy lines…) to the full parser, cut where that parser would start a new block there.
 */

/** The full parser: what the line reader hands the blocks it does not read. */
export type FullParser = (text: string) => Root;

/** An ATX heading the line reader reads: one space, content without a closing "#" or edge spaces. */
const FAST_HEADING_RE = /^(#{1,6}) (?! )(.*[^ #])$/;
/** Any ATX heading: it ends a paragraph or a list before it. */
const ANY_HEADING_RE = /^#{1,6}(?:[ \t]|$)/;
/** A one-line list item the line reader reads: marker, one space, content that starts with no space. */
const FAST_ITEM_RE = /^(?:([-*+])|(\d{1,9})([.)])) (?=[^ ])/;
/** A GFM task list check at the start of an item, then one space and its words. */
const CHECK_RE = /^\[([ xX])\] (?=[^ ])/;
/** A check not followed by one space and words ("- [ ]", "- [x]  two spaces"): left to the full parser. */
const LOOSE_CHECK_RE = /^\[[ xX]\]/;
/** A line that may start a list item (any marker): after a list, it may go on with that list. */
const LIST_MARKER_RE = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
/** A first character that may open a block other than a paragraph (or is a space). */
const BLOCK_START_RE = /^[ \t#>\-*+=_`~<|:]|^\d{1,9}[.)](?:[ \t]|$)/;
/** Strong emphasis at a line's start ("**Assignee:** …"): not a list item, nor a thematic break. */
const STRONG_START_RE = /^\*\*[^ *]/;
/** A backtick run of three or more at a line's start opens a fence. */
const FENCE_START_RE = /^(?:`{3,}|~{3,})/;
/** A line of nothing but spaces and tabs. */
const BLANK_RE = /^[ \t]*$/;
/** Tries at cutting a run for the full parser before it takes the rest of the text at once. */
const MAX_CUT_TRIES = 4;

/** The markdown tree of `text`: lines it can read read here, the other blocks by `full`. */
export function readPlanMarkdown(text: string, full: FullParser): Root {
  return new LineReader(text, full).read();
}

class LineReader {
  /** Where each line starts, and after the last one the text's length. */
  private readonly starts: Int32Array;
  /** Where each line's content ends, before its line ending. */
  private readonly ends: Int32Array;
  /** How many lines the text has. */
  private readonly count: number;
  /** How many entries of `starts` begin a line a point can be on (the end of a text that ends with a line ending is on a line of its own). */
  private readonly pointLines: number;
  private readonly children: RootContent[] = [];
  private readonly phrasing: LinePhrasing;

  constructor(
    private readonly text: string,
    private readonly full: FullParser,
  ) {
    let breaks = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks++;
    for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1)) breaks++;
    this.starts = new Int32Array(breaks + 2);
    this.ends = new Int32Array(breaks + 1);
    let count = 0;
    let start = 0;
    // The next CR, searched again only once passed: a text without any is searched once.
    let cr = text.indexOf('\r');
    while (start < text.length) {
      const lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        end = next = text.length;
      }
      this.starts[count] = start;
      this.ends[count] = end;
      count++;
      start = next;
    }
    this.starts[count] = text.length;
    this.count = count;
    this.pointLines = count === 0 || this.ends[count - 1] !== text.length ? count + 1 : count;
    this.phrasing = new LinePhrasing(text, (offset) => this.point(offset));
  }

  read(): Root {
    let index = 0;
    while (index < this.count) {
      const content = this.content(index);
      if (BLANK_RE.test(content)) index++;
      else index = this.heading(index, content) ?? this.list(index) ?? this.paragraph(index) ?? this.fullRun(index);
    }
    return { type: 'root', children: this.children, position: { start: this.point(0), end: this.point(this.text.length) } };
  }

  private content(index: number): string {
    return this.text.slice(this.starts[index]!, this.ends[index]!);
  }

  /** The point at an offset: line and column (both 1-based, columns in UTF-16 units, as micromark counts). */
  private point(offset: number): Point {
    const starts = this.starts;
    let low = 0;
    let high = this.pointLines - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1, offset };
  }

  private position(start: number, end: number) {
    return { start: this.point(start), end: this.point(end) };
  }

  /** Whether the line after a paragraph or list ends it for sure: none, a blank one, or an ATX heading. */
  private endsBlock(index: number): boolean {
    if (index >= this.count) return true;
    const content = this.content(index);
    return BLANK_RE.test(content) || ANY_HEADING_RE.test(content);
  }

  private heading(index: number, content: string): number | undefined {
    const match = FAST_HEADING_RE.exec(content);
    if (!match) return undefined;
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    const children = this.phrasing.line(start + match[1]!.length + 1, end);
    if (!children) return undefined;
    const node: Heading = { type: 'heading', depth: match[1]!.length as Heading['depth'], children, position: this.position(start, end) };
    this.children.push(node);
    return index + 1;
  }

  /** Lines of plain words, ended by a blank line, a heading or the end. */
  private paragraph(index: number): number | undefined {
    let last = index;
    while (last + 1 < this.count && this.isParagraphLine(this.content(last + 1))) last++;
    if (!this.isParagraphLine(this.content(index)) || !this.endsBlock(last + 1)) return undefined;
    const from = this.starts[index]!;
    const to = this.ends[last]!;
    const children = last === index ? this.phrasing.line(from, to) : this.phrasing.lines(this.starts, this.ends, index, last);
    if (!children) return undefined;
    const node: Paragraph = { type: 'paragraph', children, position: this.position(from, to) };
    this.children.push(node);
    return last + 1;
  }

  private isParagraphLine(content: string): boolean {
    return content !== '' && (!BLOCK_START_RE.test(content) || STRONG_START_RE.test(content)) && content.charCodeAt(content.length - 1) !== 32;
  }

  /**
   * Lists of one-line items, one after another without blank lines. A list goes here only when
   * what follows cannot go on with it: the end, a heading, or blank lines and then a line at the
   * margin that is not a list item.
   */
  private list(index: number): number | undefined {
    const lists: List[] = [];
    let current: { list: List; marker: string } | null = null;
    let at = index;
    for (; at < this.count; at++) {
      const item = this.item(at);
      if (!item) break;
      if (current === null || current.marker !== item.marker) {
        // A new list right under another starts only with "1." when ordered; "2." goes on with the item above.
        if (current !== null && item.start !== null && item.start !== 1) return undefined;
        current = { list: { type: 'list', ordered: item.start !== null, start: item.start, spread: false, children: [] }, marker: item.marker };
        lists.push(current.list);
      }
      current.list.children.push(item.node);
    }
    if (lists.length === 0) return undefined;
    if (!this.endsBlock(at)) return undefined;
    let after = at;
    while (after < this.count && BLANK_RE.test(this.content(after))) after++;
    if (after > at && after < this.count) {
      const next = this.content(after);
      if (LIST_MARKER_RE.test(next) || next.charCodeAt(0) === 32 || next.charCodeAt(0) === 9) return undefined;
    }
    for (const list of lists) {
      // Points of its own, as micromark gives: positions are moved in place (planPieces.ts).
      list.position = { start: { ...list.children[0]!.position!.start }, end: { ...list.children.at(-1)!.position!.end } };
      this.children.push(list);
    }
    return at;
  }

  private item(index: number): { node: ListItem; marker: string; start: number | null } | undefined {
    const content = this.content(index);
    const match = FAST_ITEM_RE.exec(content);
    if (!match) return undefined;
    const start = this.starts[index]!;
    const end = this.ends[index]!;
    let from = start + match[0].length;
    let words = content.slice(match[0].length);
    const check = CHECK_RE.exec(words);
    // Without a check, the item's words must not open a block of their own ("- # x", "- > x", "- 1. x").
    if (check) {
      from += check[0].length;
      words = words.slice(check[0].length);
      // Where the paragraph of a checked item starts depends in mdast on whether its first node is text.
      if (words.charCodeAt(0) === 42 || words.charCodeAt(0) === 96) return undefined;
    } else if (LOOSE_CHECK_RE.test(words) || (BLOCK_START_RE.test(words) && !STRONG_START_RE.test(words) && !(words.charCodeAt(0) === 96 && !FENCE_START_RE.test(words)))) {
      return undefined;
    }
    if (words.charCodeAt(words.length - 1) === 32) return undefined;
    const children = this.phrasing.line(from, end);
    if (!children) return undefined;
    const paragraph: Paragraph = { type: 'paragraph', children, position: this.position(from, end) };
    const node: ListItem = {
      type: 'listItem',
      spread: false,
      checked: check ? check[1] !== ' ' : null,
      children: [paragraph],
      position: this.position(start, end),
    };
    return { node, marker: match[1] ?? match[3]!, start: match[2] === undefined ? null : Number.parseInt(match[2], 10) };
  }

  /**
   * Blocks the line reader does not read, from `index` on, through the full parser: up to a line
   * where that parser starts afresh (a heading, or a line at the margin after a blank line, outside
   * fences and HTML blocks), checked after parsing; else further on, and at last the rest.
   */
  private fullRun(index: number): number {
    const from = this.starts[index]!;
    let end = index;
    for (let tries = 0; ; tries++) {
      end = tries < MAX_CUT_TRIES ? this.nextFreshStart(index, end) : this.count;
      const to = this.starts[end]!;
      const tree = this.full(this.text.slice(from, to));
      for (const node of tree.children) shift(node, from, index);
      if (end < this.count && !isCleanEnd(tree, this.text, to)) continue;
      for (const node of tree.children) this.children.push(node);
      return end;
    }
  }

  /**
   * The first line after `after` where the full parser starts a new block, as far as a line scan
   * from the run's first line `index` can tell.
   */
  private nextFreshStart(index: number, after: number): number {
    const scan = new OpenBlockScan();
    let blankBefore = false;
    for (let at = index; at < this.count; at++) {
      const content = this.content(at);
      if (scan.inside(content)) {
        blankBefore = false;
        continue;
      }
      const fresh = at > after;
      if (ANY_HEADING_RE.test(content)) {
        if (fresh) return at;
        blankBefore = false;
        continue;
      }
      const blank = BLANK_RE.test(content);
      // After a blank line, only a line of words: micromark reads a list item there by what came before.
      if (fresh && blankBefore && !blank && !BLOCK_START_RE.test(content)) return at;
      blankBefore = blank;
      scan.take(content);
    }
    return this.count;
  }
}

/** Moves a node parsed from a run starting at `offset` (on line `line` + 1, at its start) to its place in the whole text. */
function shift(node: RootContent, offset: number, line: number): void {
  if (offset === 0) return;
  const visit = (n: { position?: { start: Point; end: Point }; children?: unknown[] }) => {
    if (n.position) {
      n.position.start.line += line;
      n.position.start.offset = (n.position.start.offset ?? 0) + offset;
      n.position.end.line += line;
      n.position.end.offset = (n.position.end.offset ?? 0) + offset;
    }
    if (n.children) for (const child of n.children) visit(child as typeof n);
  };
  visit(node as never);
}
