/**
 * The questions a program asks its terminal that the session host's mirror answers (where the
 * cursor is, what the terminal is, what a mode is set to). The mirror is each session's one
 * answerer: a pane, however many show the session, and a terminal attached with `switchyard
 * attach` leave these to it, so a program gets one answer, the same whether anyone watches or
 * not, and laid out at the pty's size rather than a viewer's.
 *
 * Colour questions (OSC 4, 10, 11, 12 with `?`) are answered by the mirror too, with the colours
 * panes are drawn with (terminalColors.ts).
 */

import { COLOR_QUERY_IDENTS } from './terminalColors';

/** A control sequence as xterm.js's parser names one (IFunctionIdentifier). */
export interface QueryIdentifier {
  prefix?: '?' | '>';
  intermediates?: '$';
  final: string;
}

/** CSI questions: DA1, DA2, DSR and the cursor position (CSI 6 n), DECXCPR, DECRQM (ANSI and DEC modes). */
export const ANSWERED_CSI_QUERIES: readonly QueryIdentifier[] = [
  { final: 'c' },
  { prefix: '>', final: 'c' },
  { final: 'n' },
  { prefix: '?', final: 'n' },
  { intermediates: '$', final: 'p' },
  { prefix: '?', intermediates: '$', final: 'p' },
];

/** DCS questions: DECRQSS (a setting's value). */
export const ANSWERED_DCS_QUERIES: readonly QueryIdentifier[] = [{ intermediates: '$', final: 'q' }];

const escaped = (text: string) => text.replace(/[$?>]/g, (c) => `\\${c}`);
const csiPattern = ANSWERED_CSI_QUERIES.map((q) => `\\x1b\\[${escaped(q.prefix ?? '')}[0-9;]*${escaped(q.intermediates ?? '')}${q.final}`);
const dcsPattern = ANSWERED_DCS_QUERIES.map((q) => `\\x1bP${escaped(q.intermediates ?? '')}${q.final}[^\\x1b\\x07]*(?:\\x1b\\\\|\\x07)`);
/** A colour sequence with a question in it; what else it sets goes with it. */
const colorQueryPattern = `\\x1b\\](?:${COLOR_QUERY_IDENTS.join('|')});[^\\x1b\\x07]*\\?[^\\x1b\\x07]*(?:\\x1b\\\\|\\x07)`;
const ANSWERED = new RegExp([...csiPattern, ...dcsPattern, colorQueryPattern].join('|'), 'g');
/** Every start of a colour question's number (10, 11, 12, 4, and 1, which begins three of them), longest first. */
const colorIdentStarts = [...new Set(COLOR_QUERY_IDENTS.flatMap((ident) => [...String(ident)].map((_, end) => String(ident).slice(0, end + 1))))]
  .sort((a, b) => b.length - a.length)
  .join('|');
/**
 * A tail that may be the start of one of them, cut by the chunk's end: ESC, then CSI or DCS with
 * parameters, a DCS up to its ST's ESC, or an OSC of a colour up to its ST's ESC.
 */
const PARTIAL_TAIL = new RegExp(`\\x1b(?:\\[[?>]?[0-9;]*\\$?|P\\$?(?:q[^\\x1b\\x07]*\\x1b?)?|\\](?:(?:${colorIdentStarts})(?:;[^\\x1b\\x07]*\\x1b?)?)?)?$`);

/** Longer than any question: a tail this long is let through (a DCS string that never ends does not hold the output back). */
const MAX_HELD_CHARS = 64;

/**
 * A filter for output on its way to a terminal that must not answer the mirror's questions: each
 * call returns the chunk without them. A question cut by a chunk's end is held until the next
 * chunk tells what it is.
 */
export function answeredQueryFilter(): (chunk: string) => string {
  let held = '';
  return (chunk) => {
    const text = (held + chunk).replace(ANSWERED, '');
    const tail = PARTIAL_TAIL.exec(text);
    held = tail && tail[0].length <= MAX_HELD_CHARS ? tail[0] : '';
    return text.slice(0, text.length - held.length);
  };
}
