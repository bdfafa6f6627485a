import type { TranscriptMatch } from '../../../shared/contract';

/**
 * Terminal escape sequences: CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ST),
 * DCS/APC/PM/SOS strings, two-byte escapes (charset selection, keypad modes).
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[P_^X][^\x1b]*(?:\x1b\\)?|\x1b[()*+#][0-9A-Za-z]|\x1b[@-Z\\-~]/g;

/** Control characters other than tab, newline and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * The transcript as plain lines: escape sequences removed, and a line rewritten in place with a
 * carriage return (a spinner, a progress bar) reduced to what it last showed.
 */
export function plainLines(raw: string): string[] {
  const text = raw.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
  return text.split('\n').map((line) => {
    const trimmed = line.replace(/\r+$/, '');
    const overwrite = trimmed.lastIndexOf('\r');
    return overwrite === -1 ? trimmed : trimmed.slice(overwrite + 1);
  });
}

export function plainText(raw: string): string {
  return plainLines(raw).join('\n');
}

/** Lines containing `query` (case-insensitive), each with up to `context` lines around it. */
export function searchLines(
  lines: string[],
  query: string,
  context: number,
  limit: number,
): { matches: TranscriptMatch[]; truncated: boolean } {
  const needle = query.toLowerCase();
  const matches: TranscriptMatch[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.toLowerCase().includes(needle)) continue;
    if (matches.length === limit) return { matches, truncated: true };
    matches.push({
      line: i + 1,
      text: lines[i]!,
      before: lines.slice(Math.max(0, i - context), i),
      after: lines.slice(i + 1, i + 1 + context),
    });
  }
  return { matches, truncated: false };
}
