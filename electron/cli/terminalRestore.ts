/**
 * What an agent turned on in the terminal `switchyard attach` lent it, and the sequence that turns
 * it off again when the terminal is given back, as tmux does on detach: the alternate screen, mouse
 * reporting, bracketed paste, a hidden cursor, the application keypad, the kitty keyboard
 * protocol, modifyOtherKeys, a cursor shape, colours the agent set. Without it a shell after
 * Ctrl-] is left on the agent's screen, printing mouse reports as it moves.
 */

/** DEC private modes an agent turns on (`CSI ? n h`) that are off in a shell's terminal. */
const OFF_IN_A_SHELL = new Set([1, 6, 9, 45, 66, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016, 2004, 2026]);
/** The alternate screens, left before anything else is restored (leaving 1049 puts the shell's cursor back). */
const ALTERNATE_SCREENS = [1049, 1047, 47];
/** The colour sequences and the OSC that restores each. */
const COLOR_RESTORES: Record<string, string> = { '4': '104', '10': '110', '11': '111', '12': '112' };

// eslint-disable-next-line no-control-regex -- escape sequences are what it finds
const SEQUENCES = /\x1b\[\?([\d;]*)([hl])|\x1b\[4([hl])|\x1b([=>])|\x1b\[>(\d*)u|\x1b\[<(\d*)u|\x1b\[>4(?:;(\d*))?m|\x1b\[(\d*) q|\x1b\](4|10|11|12);[^\x07\x1b]*(?:\x07|\x1b\\)/g;

export class TerminalRestore {
  private readonly on = new Set<number>();
  private cursorHidden = false;
  private wrapOff = false;
  private insert = false;
  private keypad = false;
  private kittyPushes = 0;
  private modifyOtherKeys = false;
  private cursorShape = false;
  private readonly colorsSet = new Set<string>();

  /** Reads what the agent's output turns on or off (whole sequences: the query filter holds a cut one back). */
  see(text: string): void {
    if (!text.includes('\x1b')) return;
    for (const m of text.matchAll(SEQUENCES)) {
      if (m[2] !== undefined) {
        for (const n of m[1]!.split(';').map(Number)) this.decMode(n, m[2] === 'h');
      } else if (m[3] !== undefined) this.insert = m[3] === 'h';
      else if (m[4] !== undefined) this.keypad = m[4] === '=';
      else if (m[5] !== undefined) this.kittyPushes++;
      else if (m[6] !== undefined) this.kittyPushes = Math.max(0, this.kittyPushes - Number(m[6] || 1));
      else if (m[0].endsWith('m')) this.modifyOtherKeys = Number(m[7] || 0) > 0;
      else if (m[8] !== undefined) this.cursorShape = Number(m[8] || 0) !== 0;
      else if (m[9] !== undefined) this.colorsSet.add(m[9]);
    }
  }

  /** The sequence that gives the terminal back as a shell expects it; empty when nothing needs it. */
  restore(): string {
    let out = '';
    for (const screen of ALTERNATE_SCREENS) if (this.on.has(screen)) out += `\x1b[?${screen}l`;
    for (const mode of this.on) if (!ALTERNATE_SCREENS.includes(mode)) out += `\x1b[?${mode}l`;
    if (this.wrapOff) out += '\x1b[?7h';
    if (this.cursorHidden) out += '\x1b[?25h';
    if (this.insert) out += '\x1b[4l';
    if (this.keypad) out += '\x1b>';
    if (this.kittyPushes > 0) out += `\x1b[<${this.kittyPushes}u`;
    if (this.modifyOtherKeys) out += '\x1b[>4m';
    if (this.cursorShape) out += '\x1b[0 q';
    for (const ident of this.colorsSet) out += `\x1b]${COLOR_RESTORES[ident]}\x07`;
    return out === '' ? '' : `\x1b[0m${out}`;
  }

  private decMode(mode: number, set: boolean): void {
    if (mode === 25) this.cursorHidden = !set;
    else if (mode === 7) this.wrapOff = !set;
    else if (OFF_IN_A_SHELL.has(mode) || ALTERNATE_SCREENS.includes(mode)) {
      if (set) this.on.add(mode);
      else this.on.delete(mode);
    }
  }
}
