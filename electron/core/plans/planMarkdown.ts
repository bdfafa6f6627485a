import type { Root } from 'mdast';
import { fromMarkdown, type Options } from 'mdast-util-from-markdown';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { readPlanMarkdown } from './planLineReader';

/**
 * The markdown a plan is read as: CommonMark with the GFM constructs plans are written with —
 * task list items, strikethrough (a finished task is often struck through) and tables. GFM's
 * autolink literals and footnotes are left out: nothing in a plan is read from them, and they
 * cost about a fifth of the parse of a large plan.
 */
const WITHOUT_TABLES: Options = {
  extensions: [gfmTaskListItem(), gfmStrikethrough()],
  mdastExtensions: [gfmTaskListItemFromMarkdown(), gfmStrikethroughFromMarkdown()],
};
const WITH_TABLES: Options = {
  extensions: [...WITHOUT_TABLES.extensions!, gfmTable()],
  mdastExtensions: [...WITHOUT_TABLES.mdastExtensions!, gfmTableFromMarkdown()],
};

/**
 * A table needs a delimiter row, and that row a "|" or an alignment colon beside a dash (":--",
 * "--:"). The table extension is tried at the start of every line, about a sixth of the parse of a
 * long checkbox list, so a text that cannot hold a table is parsed without it: the tree is the same.
 */
const MAY_HOLD_TABLE_RE = /\||:-|-:/;

/**
 * What only a parse of the whole text reads right: a link reference definition ("[label]: url")
 * makes "[label]" anywhere a link, and micromark drops a byte order mark at the start of any
 * text it parses, which moves every position after it.
 */
const WHOLE_TEXT_RE = /\]:|\uFEFF/;

/**
 * The markdown tree of a plan's text, parsed in one piece on this thread: plain lines by the line
 * reader (planLineReader.ts), the rest by micromark.
 */
export function parseMarkdown(text: string): Root {
  return WHOLE_TEXT_RE.test(text) ? parseFullMarkdown(text) : readPlanMarkdown(text, parseFullMarkdown);
}

/** The markdown tree of a text by micromark and mdast-util-from-markdown alone. */
export function parseFullMarkdown(text: string): Root {
  return fromMarkdown(text, MAY_HOLD_TABLE_RE.test(text) ? WITH_TABLES : WITHOUT_TABLES);
}
