import { MAX_PLAN_NESTING_DEPTH, MAX_PLAN_NESTING_WORK } from '../../../shared/constants';
import { SwitchyardError } from '../../../shared/errors';
import type { Cut } from './planPieces';

/**
 * What nesting costs the markdown parser, estimated by a line scan before it runs. micromark keeps
 * one list of events for the whole text it parses; each line that closes a nested list item while
 * an item further out goes on (the next sub-item of a parent, a task after its sub-tasks) rewrites
 * that list to move the closing events into place. So a piece of text costs about (such lines) ×
 * (events before them), and the events of a line grow with its nesting: measured on a slow
 * two-core machine, 8,000 lines of two-level or thirty-two-level nested lists take 4.5–5 s to
 * parse, the same lines of a flat list 0.5 s. Each piece of a large plan (planPieces.ts) is parsed
 * on its own, so the estimate starts again at each cut.
 */

/** A list marker and what may follow it on the line: a space, a tab or nothing. */
const LIST_MARKER_RE = /(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/y;
/** A line of three or more `-`, `*` or `_` (with spaces between): a thematic break, not nested lists. */
const THEMATIC_BREAK_RE = /^[ \t>]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** Where a tab takes the column to. */
const TAB_STOP = 4;
/** Indentation beyond an item's content by this many columns makes indented code, not a marker. */
const CODE_INDENT = 4;

/** The nesting of a text: the deepest line and the estimated work of parsing it. */
export interface PlanNesting {
  depth: number;
  /** The first line (1-based) at the deepest nesting. */
  line: number;
  /** Estimated cost of parsing the text cut at `cuts`, in events moved (see above). */
  work: number;
}

/**
 * Measures the container nesting of every line (list items and block quotes open on it, as far
 * as a line scan can tell) and the work estimate, stopping early at a line deeper than `stopAbove`.
 */
export function measureNesting(text: string, cuts: readonly Cut[], stopAbove = Number.POSITIVE_INFINITY): PlanNesting {
  /** Content columns of the list items open, innermost last. */
  const open: number[] = [];
  let deepest = { depth: 0, line: 0 };
  let work = 0;
  let events = 0;
  let nextCut = 1;
  let line = 0;
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    if (nextCut < cuts.length && start >= cuts[nextCut]!.offset) {
      // A new piece, parsed on its own: it begins at a heading, which closes every container.
      open.length = 0;
      events = 0;
      nextCut++;
    }
    start = end + 1;
    const depth = lineDepth(content, open);
    events += 1 + depth.depth;
    if (depth.closed >= 2) work += events;
    if (depth.depth > deepest.depth) {
      deepest = { depth: depth.depth, line: line + 1 };
      if (depth.depth > stopAbove) break;
    }
  }
  return { ...deepest, work };
}

/**
 * The containers open on one line, updating `open` (the list items that go on past it); and how
 * many open list items the line closed.
 */
function lineDepth(content: string, open: number[]): { depth: number; closed: number } {
  let at = 0;
  let column = 0;
  let quotes = 0;
  // Block quote markers, each with up to three spaces before it and one after.
  for (;;) {
    const indent = whitespace(content, at, column);
    if (content[indent.at] !== '>' || indent.column - column > 3) break;
    quotes++;
    at = indent.at + 1;
    column = indent.column + 1;
    if (content[at] === ' ') {
      at++;
      column++;
    }
  }
  const indent = whitespace(content, at, column);
  if (indent.at === content.length) return { depth: quotes + open.length, closed: 0 };
  let closed = 0;
  while (open.length > 0 && open.at(-1)! > indent.column) {
    open.pop();
    closed++;
  }
  if (indent.column - (open.at(-1) ?? 0) >= CODE_INDENT || THEMATIC_BREAK_RE.test(content)) return { depth: quotes + open.length, closed };
  ({ at, column } = indent);
  for (;;) {
    if (content[at] === '>') {
      quotes++;
      ({ at, column } = whitespace(content, at + 1, column + 1));
      continue;
    }
    LIST_MARKER_RE.lastIndex = at;
    const marker = LIST_MARKER_RE.exec(content);
    if (!marker) break;
    const after = whitespace(content, at + marker[0].length, column + marker[0].length);
    const spaces = after.column - column - marker[0].length;
    // An empty item, or one whose text is indented code, has its content one column after the marker.
    const contentColumn = after.at === content.length || spaces > CODE_INDENT ? column + marker[0].length + 1 : after.column;
    open.push(contentColumn);
    if (spaces > CODE_INDENT) break;
    ({ at, column } = after);
  }
  return { depth: quotes + open.length, closed };
}

function whitespace(content: string, at: number, column: number): { at: number; column: number } {
  for (; at < content.length; at++) {
    if (content[at] === ' ') column++;
    else if (content[at] === '\t') column += TAB_STOP - (column % TAB_STOP);
    else break;
  }
  return { at, column };
}

/**
 * Refuses, before it is parsed, a plan nested deeper than MAX_PLAN_NESTING_DEPTH (`too-deep`, with
 * the line) or whose estimated parsing work is above MAX_PLAN_NESTING_WORK (`too-much-work`).
 */
export function checkPlanNesting(text: string, cuts: readonly Cut[]): void {
  const nesting = measureNesting(text, cuts, MAX_PLAN_NESTING_DEPTH);
  if (nesting.depth > MAX_PLAN_NESTING_DEPTH) {
    throw new SwitchyardError(
      'BAD_PLAN',
      `line ${nesting.line} of the plan is nested ${nesting.depth} lists or quotes deep; the importer reads at most ${MAX_PLAN_NESTING_DEPTH}`,
      { reason: 'too-deep', line: nesting.line, depth: nesting.depth, limit: MAX_PLAN_NESTING_DEPTH },
    );
  }
  if (nesting.work > MAX_PLAN_NESTING_WORK) {
    throw new SwitchyardError(
      'BAD_PLAN',
      `the plan's nested lists would take too long to read (an estimated ${nesting.work} steps; the importer takes at most ${MAX_PLAN_NESTING_WORK}): use fewer levels or more headings`,
      { reason: 'too-much-work', work: nesting.work, limit: MAX_PLAN_NESTING_WORK },
    );
  }
}
