import type { Nodes, Root } from 'mdast';
import { OpenBlockScan } from './planBlockScan';
import { parseMarkdown } from './planMarkdown';

/**
 * A large plan is parsed in pieces, each beginning at an ATX heading ("## Phase 2") at the start
 * of a line. Such a heading ends every open block (a list, a quote, a table, a paragraph) except
 * a fenced code block or an HTML block, so from it the markdown parses exactly as it does in the
 * whole text: the trees of the pieces, joined, are the tree of the text. Only link reference
 * definitions reach across the text, and a text with one is not cut.
 */

/** Where a piece begins: its offset in the text and the number of lines before it. */
export interface Cut {
  offset: number;
  line: number;
}

/**
 * Size of the pieces a plan is cut into (characters), where its headings allow. A large plan's
 * pieces are parsed by several threads, each taking the next piece when it is done with one, so
 * small pieces share the work evenly even when a thread starts late; the parse of a small piece
 * leaves little for the garbage collector; and the parser's cost for nested lists, which grows
 * with the text parsed at once (planLimits.ts), stays that of a piece.
 */
const PIECE_CHARS = 32 * 1024;

/** A line with its ending; lines end as in markdown, at CRLF, CR or LF. */
const LINE_RE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
/** An ATX heading at the very start of its line. */
const HEADING_RE = /^#{1,6}(?:[ \t]|[\r\n]*$)/;
/** Whatever starts a link reference definition ("[label]: url"); footnotes are not read. */
const DEFINITION_MARK = ']:';

/**
 * Up to `pieces - 1` places to cut the text, as near as there are to equal shares of it: headings
 * at the start of a line and outside fenced code and HTML blocks as far as a line scan can tell
 * (whether a cut was right is checked after parsing, by isCleanEnd). None when the text has a
 * link reference definition.
 */
export function cutPoints(text: string, pieces: number): Cut[] {
  if (pieces < 2 || text.includes(DEFINITION_MARK)) return [];
  const headings: Cut[] = [];
  const scan = new OpenBlockScan();
  let line = 0;
  for (const match of text.matchAll(LINE_RE)) {
    const content = match[0];
    if (content === '') break;
    if (!scan.inside(content)) {
      if (!HEADING_RE.test(content)) scan.take(content);
      else if (match.index > 0) headings.push({ offset: match.index, line });
    }
    line++;
  }
  const cuts: Cut[] = [];
  let next = 0;
  for (let k = 1; k < pieces; k++) {
    const share = (text.length * k) / pieces;
    while (next + 1 < headings.length && Math.abs(headings[next + 1]!.offset - share) <= Math.abs(headings[next]!.offset - share)) next++;
    const heading = headings[next];
    if (heading && heading.offset > (cuts.at(-1)?.offset ?? 0)) cuts.push(heading);
  }
  return cuts;
}

/** Where a text is parsed in pieces: at its start, then at headings about PIECE_CHARS apart. */
export function pieceCuts(text: string): Cut[] {
  return [{ offset: 0, line: 0 }, ...cutPoints(text, Math.ceil(text.length / PIECE_CHARS))];
}

/** Parses piece `index` of the text, with the positions its nodes have in the whole text. */
export function parsePiece(text: string, cuts: Cut[], index: number): Root {
  const cut = cuts[index]!;
  const tree = parseMarkdown(text.slice(cut.offset, cuts[index + 1]?.offset ?? text.length));
  shiftPositions(tree, cut);
  return tree;
}

/**
 * Parses pieces one after another, each taken from a counter that every thread parsing the text
 * shares, until none is left: a thread that starts late or runs slowly simply takes fewer.
 */
export function takePieces(next: Int32Array, count: number, parse: (index: number) => void): void {
  for (let index = Atomics.add(next, 0, 1); index < count; index = Atomics.add(next, 0, 1)) parse(index);
}

/** Joins the trees of the pieces, in order, into the tree of the whole text. */
export function joinPieces(trees: Root[]): Root {
  const first = trees[0]!.position;
  const last = trees.at(-1)!.position;
  const root: Root = { type: 'root', children: trees.flatMap((tree) => tree.children) };
  if (first && last) root.position = { start: first.start, end: last.end };
  return root;
}

/** Moves the positions of a piece's nodes to those they have in the whole text. */
function shiftPositions(tree: Root, cut: Cut): void {
  if (cut.offset === 0) return;
  const visit = (node: Nodes) => {
    const position = node.position;
    if (position) {
      position.start.line += cut.line;
      position.start.offset = (position.start.offset ?? 0) + cut.offset;
      position.end.line += cut.line;
      position.end.offset = (position.end.offset ?? 0) + cut.offset;
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(tree);
}
