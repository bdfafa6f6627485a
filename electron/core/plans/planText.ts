import { MAX_PLAN_BYTES } from '../../../shared/constants';
import type { PlanWarning } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { markOptionalItems } from './planFormats';

/**
 * Share of bytes that may be non-UTF-8 in a file we still take for text written in a legacy
 * single-byte encoding (Windows-1252): a few accented letters in prose, not a binary blob.
 */
const LEGACY_TEXT_MAX_HIGH_BYTE_SHARE = 0.02;

/**
 * What Windows-1252 shows for the bytes 0x80–0x9F (where it differs from Latin-1), plus the
 * letters Windows-1254 puts at 0xD0, 0xDD, 0xDE, 0xF0, 0xFD, 0xFE: mis-decoded UTF-8 is usually
 * one of the two. Mapping them back to bytes is how the text is repaired.
 */
const LEGACY_BYTE_OF: ReadonlyMap<string, number> = new Map([
  ['€', 0x80], ['‚', 0x82], ['ƒ', 0x83], ['„', 0x84], ['…', 0x85], ['†', 0x86], ['‡', 0x87],
  ['ˆ', 0x88], ['‰', 0x89], ['Š', 0x8a], ['‹', 0x8b], ['Œ', 0x8c], ['Ž', 0x8e], ['‘', 0x91],
  ['’', 0x92], ['“', 0x93], ['”', 0x94], ['•', 0x95], ['–', 0x96], ['—', 0x97], ['˜', 0x98],
  ['™', 0x99], ['š', 0x9a], ['›', 0x9b], ['œ', 0x9c], ['ž', 0x9e], ['Ÿ', 0x9f],
  ['Ğ', 0xd0], ['İ', 0xdd], ['Ş', 0xde], ['ğ', 0xf0], ['ı', 0xfd], ['ş', 0xfe],
]);

const LEGACY_CHAR_OF: ReadonlyMap<number, string> = new Map(
  [...LEGACY_BYTE_OF].filter(([, byte]) => byte < 0xa0).map(([char, byte]) => [byte, char]),
);

export interface DecodedPlan {
  text: string;
  warnings: PlanWarning[];
}

function badPlan(reason: string, message: string, details: Record<string, unknown> = {}): SwitchyardError {
  return new SwitchyardError('BAD_PLAN', message, { reason, ...details });
}

/** Refuses what is too big or empty; the same checks for bytes read from disk and text sent by a client. */
function checkSize(bytes: number): void {
  if (bytes > MAX_PLAN_BYTES) {
    throw badPlan('too-large', `the plan is ${bytes} bytes; the importer reads at most ${MAX_PLAN_BYTES}`, {
      bytes,
      limit: MAX_PLAN_BYTES,
    });
  }
}

/**
 * Turns a file's bytes into plan text: UTF-8 (a BOM is dropped), or Windows-1252 for a text file
 * with a few legacy accented letters. A file with NUL or other control bytes, or one that is not
 * text in either encoding, is refused with BAD_PLAN; so is an empty one and one over MAX_PLAN_BYTES.
 */
export function decodePlanBytes(bytes: Uint8Array): DecodedPlan {
  checkSize(bytes.length);
  let controls = 0;
  let high = 0;
  for (const byte of bytes) {
    if (byte === 0) throw badPlan('binary', 'the plan is a binary file (it contains NUL bytes), not text');
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) controls++;
    if (byte >= 0x80) high++;
  }
  if (controls > 0) throw badPlan('binary', `the plan is not text: it contains ${controls} control bytes`);
  try {
    return finishText(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), []);
  } catch {
    if (high / bytes.length > LEGACY_TEXT_MAX_HIGH_BYTE_SHARE) {
      throw badPlan('not-utf8', 'the plan is not UTF-8 text (it looks like a binary file)');
    }
    let text = '';
    for (const byte of bytes) text += byte >= 0x80 && byte < 0xa0 ? (LEGACY_CHAR_OF.get(byte) ?? '') : String.fromCharCode(byte);
    return finishText(text, [{ message: 'the file is not UTF-8; it was read as Windows-1252' }]);
  }
}

/** The same checks for text that arrives already decoded (a file dropped in the window). */
export function checkPlanText(text: string): DecodedPlan {
  checkSize(Buffer.byteLength(text, 'utf8'));
  if (text.includes('\0')) throw badPlan('binary', 'the plan is a binary file (it contains NUL bytes), not text');
  return finishText(text.startsWith('\uFEFF') ? text.slice(1) : text, []);
}

function finishText(text: string, warnings: PlanWarning[]): DecodedPlan {
  if (text.trim() === '') throw badPlan('empty', 'the plan is empty');
  const repaired = repairMisdecodedUtf8(text);
  if (repaired.repaired > 0) {
    warnings.push({
      line: repaired.firstLine,
      message: `repaired ${repaired.repaired} characters that were UTF-8 read as Latin-1/Windows-1252`,
    });
  }
  if (repaired.dropped > 0) {
    warnings.push({
      line: repaired.firstDroppedLine,
      message: `removed ${repaired.dropped} mis-decoded characters that could not be repaired (bytes were lost)`,
    });
  }
  return { text: markOptionalItems(repaired.text), warnings };
}

function legacyByte(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 0x80 && code <= 0xff) return code;
  return LEGACY_BYTE_OF.get(char) ?? -1;
}

const isContinuation = (byte: number) => byte >= 0x80 && byte <= 0xbf;

function continuationCount(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 1;
  if (lead >= 0xe0 && lead <= 0xef) return 2;
  if (lead >= 0xf0 && lead <= 0xf4) return 3;
  return 0;
}

export interface Repair {
  text: string;
  repaired: number;
  dropped: number;
  firstLine?: number;
  firstDroppedLine?: number;
}

/**
 * Undoes "UTF-8 read as Latin-1/Windows-1252" (`â”€` → `─`): every run of characters whose legacy
 * bytes form a valid UTF-8 sequence is replaced by what those bytes mean. Once a text has shown
 * such damage, a sequence missing its last bytes (a decoder dropped an undefined byte such as
 * 0x90) cannot be repaired and is removed rather than left as garbage. Newlines are never touched,
 * so line numbers stay true.
 */
export function repairMisdecodedUtf8(text: string): Repair {
  // Every damaged sequence starts with the legacy reading of a UTF-8 lead byte (0xC2–0xF4).
  if (!/[\u00C2-\u00F4\u011E\u011F\u0130\u015E]/.test(text)) return { text, repaired: 0, dropped: 0 };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  const partial: number[] = [];
  let repaired = 0;
  let line = 1;
  let firstLine: number | undefined;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\n') line++;
    const lead = legacyByte(char);
    const need = lead < 0 ? 0 : continuationCount(lead);
    if (need === 0) {
      out.push(char);
      i++;
      continue;
    }
    const bytes = [lead];
    let j = i + 1;
    while (bytes.length <= need && j < text.length) {
      const byte = legacyByte(text[j]!);
      if (!isContinuation(byte)) break;
      bytes.push(byte);
      j++;
    }
    if (bytes.length === need + 1) {
      try {
        out.push(decoder.decode(new Uint8Array(bytes)));
        repaired++;
        firstLine ??= line;
        i = j;
        continue;
      } catch {
        // Not a character (an overlong form or a surrogate): leave the text as it is.
      }
    } else if (bytes.length > 1) {
      partial.push(out.length);
      out.push(text.slice(i, j));
      i = j;
      continue;
    }
    out.push(char);
    i++;
  }
  if (repaired === 0 || partial.length === 0) return { text: out.join(''), repaired, dropped: 0, ...(firstLine ? { firstLine } : {}) };
  let firstDroppedLine: number | undefined;
  for (const at of partial) {
    firstDroppedLine ??= out.slice(0, at).join('').split('\n').length;
    out[at] = '';
  }
  return { text: out.join(''), repaired, dropped: partial.length, ...(firstLine ? { firstLine } : {}), ...(firstDroppedLine ? { firstDroppedLine } : {}) };
}
