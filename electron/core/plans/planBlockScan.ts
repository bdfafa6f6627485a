import type { Root } from 'mdast';

/**
 * What a line scan can tell of a plan's blocks without parsing it: where a fenced code block or
 * an HTML block that runs until a marker (CommonMark kinds 1–5) is open, across which no new
 * block starts. A text is cut where the scan allows (planPieces.ts, planLineReader.ts), and
 * whether a cut was right is checked after parsing, by isCleanEnd.
 */

/** An opening code fence; a backtick fence's info string has no backtick. */
const FENCE_RE = /^ {0,3}(`{3,}(?!.*`)|~{3,})/;
/** The HTML blocks that run until a marker rather than a blank line (CommonMark kinds 1–5). */
const HTML_UNTIL_MARKER: [RegExp, RegExp][] = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:[ \t>]|[\r\n]*$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
  [/^ {0,3}<![A-Za-z]/, />/],
];
/** Two line endings with nothing but spaces between them: a blank line. */
const BLANK_LINE_RE = /(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r(?!\n)|\n)/;

/** Follows a text line by line (each with or without its line ending): which lines are inside a fence or such an HTML block. */
export class OpenBlockScan {
  private fence: string | null = null;
  private htmlEnd: RegExp | null = null;

  /** Whether the line is inside a block opened on an earlier line (its closing line included). */
  inside(line: string): boolean {
    if (this.fence !== null) {
      if (closesFence(line, this.fence)) this.fence = null;
      return true;
    }
    if (this.htmlEnd !== null) {
      if (this.htmlEnd.test(line)) this.htmlEnd = null;
      return true;
    }
    return false;
  }

  /** Takes a line outside such blocks (one that no new block is cut at): it may open one. */
  take(line: string): void {
    this.fence = FENCE_RE.exec(line)?.[1] ?? null;
    const html = this.fence === null ? HTML_UNTIL_MARKER.find(([start]) => start.test(line)) : undefined;
    if (html && !html[1].test(line.replace(html[0], ''))) this.htmlEnd = html[1];
  }
}

function closesFence(line: string, fence: string): boolean {
  const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*[\r\n]*$/.exec(line)?.[1];
  return closing !== undefined && closing[0] === fence[0] && closing.length >= fence.length;
}

/**
 * Whether the text's tree up to `end`, parsed alone (its positions those of the whole text), ends
 * as the whole text does there, where a new block starts: its last block is not a code fence or
 * HTML block left open (it would run on), nor an HTML block that only a blank line ends, with no
 * blank line after it.
 */
export function isCleanEnd(tree: Root, text: string, end: number): boolean {
  const last = tree.children.at(-1);
  const start = last?.position?.start.offset;
  const lastEnd = last?.position?.end.offset;
  if (last === undefined || start === undefined || lastEnd === undefined) return true;
  // An open fence or HTML block takes in the rest of the piece, up to its last line ending.
  if (lastEnd >= end) return false;
  if (last.type !== 'html') return true;
  return HTML_UNTIL_MARKER.some(([opening]) => opening.test(text.slice(start, lastEnd))) || BLANK_LINE_RE.test(text.slice(lastEnd, end));
}
