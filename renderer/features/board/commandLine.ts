import type { ErrorData } from '../../../shared/errors';

export type CommandLineResult = { ok: true; argv: string[] } | { ok: false; error: ErrorData };

const bad = (message: string, line: string): CommandLineResult => ({ ok: false, error: { code: 'BAD_INPUT', message, details: { line } } });

/**
 * Splits a command line into its words as a POSIX shell does for a simple command: blanks separate
 * words; 'single quotes' keep everything; "double quotes" keep everything but a backslash before
 * `"`, `\`, `$` or a backtick; a backslash outside quotes keeps the next character. No expansion
 * (variables, globs, pipes) happens: the program is run directly with these words.
 */
export function splitCommandLine(line: string): CommandLineResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return bad('The command line has a single quote that is never closed.', line);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= line.length) return bad('The command line has a double quote that is never closed.', line);
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return bad('The command line ends with a backslash that escapes nothing.', line);
      // A backslash before a line break joins the lines, as in a shell.
      if (line[i + 1] !== '\n') word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  if (argv.length === 0 || argv[0]!.trim() === '') return bad('A custom command task needs a command line to run.', line);
  return { ok: true, argv };
}

/** Words that a shell would read back unchanged need no quotes. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

/** The command line that splitCommandLine turns back into these words. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map((arg) => (PLAIN_WORD.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** The argv stored in a task's agent options, if it holds a valid one. */
export function storedCommand(agentOptions: Record<string, unknown>): string[] | null {
  const command = agentOptions.command;
  return Array.isArray(command) && command.every((a) => typeof a === 'string') ? (command as string[]) : null;
}
