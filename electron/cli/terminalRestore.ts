/**
 * What an agent turned on in the terminal `switchyard attach` lent it, and the sequence that turns
 * it off again when the terminal is given back, as tmux does on detach: the alternate screen, mouse
 * reporting, bracketed paste, a hidden cursor, the application keypad, the kitty keyboard
 * protocol, modifyOtherKeys, a cursor shape, colours the agent set. Without it a shell after
 * Ctrl-] is left on the agent's screen, printing mouse reports as it moves.
 */

import { COLOR_QUERY_IDENTS } from '../../shared/terminalColors';

/** DEC private modes an agent turns on (`CSI ? n h`) that are off in a shell's terminal. */
const OFF_IN_A_SHELL = new Set([1, 6, 9, 45, 66, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1015, 1016, 2004, 2026]);
/** The alternate screens, left before anything else is restored (leaving 1049 puts the shell's cursor back). */
const ALTERNATE_SCREENS = [1049, 1047, 47];

/** Each sequence it follows, by name: a DEC private mode, insert mode, the keypad, a kitty keyboard push or pop, modifyOtherKeys, a cursor shape, a colour set. */
const SEQUENCES = new RegExp(
  [
    String.raw`\x1b\[\?(?<decModes>[\d;]*)(?<decSet>[hl])`,
    String.raw`\x1b\[4(?<insert>[hl])`,
    String.raw`\x1b(?<keypad>[=>])`,
    String.raw`\x1b\[>(?<kittyPush>\d*)u`,
    String.raw`\x1b\[<(?<kittyPop>\d*)u`,
    String.raw`(?<modifyOtherKeys>\x1b\[>4(?:;(?<modifyOtherKeysValue>\d*))?m)`,
    String.raw`\x1b\[(?<cursorShape>\d*) q`,
    String.raw`\x1b\](?<color>${COLOR_QUERY_IDENTS.join('|')});[^\x07\x1b]*(?:\x07|\x1b\\)`,
  ].join('|'),
  'g',
);

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
    for (const { groups = {} } of text.matchAll(SEQUENCES)) {
      const { decModes, decSet, insert, keypad, kittyPush, kittyPop, modifyOtherKeys, modifyOtherKeysValue, cursorShape, color } = groups;
      if (decSet !== undefined) for (const mode of decModes!.split(';').map(Number)) this.decMode(mode, decSet === 'h');
      else if (insert !== undefined) this.insert = insert === 'h';
      else if (keypad !== undefined) this.keypad = keypad === '=';
      else if (kittyPush !== undefined) this.kittyPushes++;
      else if (kittyPop !== undefined) this.kittyPushes = Math.max(0, this.kittyPushes - Number(kittyPop || 1));
      // Its value may be left out: CSI > 4 m turns it off.
      else if (modifyOtherKeys !== undefined) this.modifyOtherKeys = Number(modifyOtherKeysValue || 0) > 0;
      else if (cursorShape !== undefined) this.cursorShape = Number(cursorShape || 0) !== 0;
      else if (color !== undefined) this.colorsSet.add(color);
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
    // OSC 104, 110, 111 and 112 restore what 4, 10, 11 and 12 set.
    for (const ident of this.colorsSet) out += `\x1b]${Number(ident) + 100}\x07`;
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
