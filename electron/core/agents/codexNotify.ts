import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's own Codex `notify` program, so that ours can run it too: `-c notify=[…]` replaces the
 * value of the user's config.toml for that launch (a `-c` override wins over every config layer),
 * so the relay starts the user's program with the same JSON before it reports to the core.
 *
 * Only the user's file is read (`$CODEX_HOME/config.toml`, else `~/.codex/config.toml`), and only
 * its top-level `notify`: a `notify` in a project's `.codex/config.toml` is not run by us, since
 * Codex runs it only for a project the user trusted and a repository must not be able to make us
 * start a program; a profile's is not read either.
 */
export type UserNotify =
  /** No notify set (or no config file): ours alone. */
  | { kind: 'none' }
  /** The program and its arguments, as Codex would run them (the JSON appended). */
  | { kind: 'program'; argv: string[] }
  /** A notify value this reader does not understand: ours is not given, so the user's is not lost. */
  | { kind: 'unreadable'; file: string };

export function codexConfigFile(home: string = homedir(), env: NodeJS.ProcessEnv = process.env): string {
  const codexHome = env.CODEX_HOME?.trim();
  return join(codexHome ? codexHome : join(home, '.codex'), 'config.toml');
}

export function userCodexNotify(file: string): UserNotify {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { kind: 'none' };
  }
  const argv = topLevelNotify(text);
  if (argv === undefined) return { kind: 'none' };
  if (argv === null) return { kind: 'unreadable', file };
  return argv.length === 0 ? { kind: 'none' } : { kind: 'program', argv };
}

/** A TOML basic string's escapes (`\uXXXX` and `\UXXXXXXXX` aside). */
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/**
 * The top-level `notify = [ "…", '…' ]` of a TOML document: the strings, undefined when there is
 * none before the first table, null when its value is not an array of one-line strings.
 */
export function topLevelNotify(text: string): string[] | null | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*(?:notify|"notify")\s*=/.test(line) || /^\s*\[/.test(line));
  if (start === -1 || /^\s*\[/.test(lines[start] ?? '')) return undefined;
  const value = lines.slice(start).join('\n').replace(/^\s*(?:notify|"notify")\s*=\s*/, '');
  if (!value.startsWith('[')) return null;
  const words: string[] = [];
  let i = 1;
  let expectWord = true;
  while (i < value.length) {
    const c = value[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') i = value.indexOf('\n', i) === -1 ? value.length : value.indexOf('\n', i);
    else if (c === ']') return words;
    else if (c === ',' && !expectWord) {
      expectWord = true;
      i++;
    } else if ((c === '"' || c === "'") && expectWord && !value.startsWith(c.repeat(3), i)) {
      const read = c === '"' ? basicString(value, i + 1) : literalString(value, i + 1);
      if (read === null) return null;
      words.push(read.word);
      i = read.end;
      expectWord = false;
    } else return null;
  }
  return null;
}

function literalString(text: string, from: number): { word: string; end: number } | null {
  const end = text.indexOf("'", from);
  const word = end === -1 ? '' : text.slice(from, end);
  return end === -1 || word.includes('\n') ? null : { word, end: end + 1 };
}

function basicString(text: string, from: number): { word: string; end: number } | null {
  let word = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return { word, end: i + 1 };
    if (c === '\n') return null;
    if (c !== '\\') {
      word += c;
      continue;
    }
    const e = text[++i] ?? '';
    if (e in ESCAPES) word += ESCAPES[e];
    else if (e === 'u' || e === 'U') {
      const digits = text.slice(i + 1, i + 1 + (e === 'u' ? 4 : 8));
      const code = /^[0-9a-fA-F]+$/.test(digits) && digits.length === (e === 'u' ? 4 : 8) ? parseInt(digits, 16) : -1;
      if (code < 0 || code > 0x10ffff) return null;
      word += String.fromCodePoint(code);
      i += digits.length;
    } else return null;
  }
  return null;
}
