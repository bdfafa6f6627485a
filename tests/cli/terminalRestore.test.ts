import { describe, expect, it } from 'vitest';
import { TerminalRestore } from '../../electron/cli/terminalRestore';
import { terminalStateAfter } from '../helpers/terminalState';

/** What agents turn on: the alternate screen, mouse reporting in SGR form, bracketed paste, focus reports, the keypad, a hidden cursor, no wrap, insert. */
const AGENT_SETUP = '\x1b[?1049h\x1b[?1000;1002;1006h\x1b[?2004h\x1b[?1004h\x1b=\x1b[?1h\x1b[?25l\x1b[?7l\x1b[4h\x1b[>1u\x1b[>4;2m\x1b[5 q\x1b]11;#123456\x07\x1b]4;1;rgb:ff/00/ff\x1b\\';

describe('giving back a terminal an agent was shown in', () => {
  it('turns off everything the agent turned on, leaving the terminal as a fresh one', async () => {
    const restore = new TerminalRestore();
    restore.see(`text${AGENT_SETUP}more text`);
    const after = await terminalStateAfter(`${AGENT_SETUP}${restore.restore()}`);
    expect(after).toEqual(await terminalStateAfter(''));
    expect(after.screen).toBe('normal');
    // What xterm.js does not report, read from the sequence itself.
    const sequence = restore.restore();
    for (const part of ['\x1b[?25h', '\x1b[?7h', '\x1b[<1u', '\x1b[>4m', '\x1b[0 q', '\x1b]111\x07', '\x1b]104\x07']) expect(sequence, JSON.stringify(part)).toContain(part);
    // The alternate screen is left first, so what follows applies to the shell's screen.
    expect(sequence.startsWith('\x1b[0m\x1b[?1049l')).toBe(true);
  });

  it('restores nothing the agent turned off again, or never turned on', () => {
    const restore = new TerminalRestore();
    expect(restore.restore()).toBe('');
    // Tried: modes set and reset, a kitty push popped, modifyOtherKeys back to 0, the default cursor shape, colours only asked for.
    restore.see('\x1b[?1049h\x1b[?1049l\x1b[?1000h\x1b[?1000l\x1b[>1u\x1b[<u\x1b[>4;1m\x1b[>4;0m\x1b[0 q\x1b[?25l\x1b[?25h\x1b=\x1b>\x1b[1;31mred\x1b[0m');
    expect(restore.restore()).toBe('');
  });

  it('pops as many kitty keyboard levels as are still pushed', () => {
    const restore = new TerminalRestore();
    restore.see('\x1b[>1u\x1b[>3u\x1b[>1u\x1b[<u');
    expect(restore.restore()).toBe('\x1b[0m\x1b[<2u');
    // A pop of more than was pushed leaves none.
    restore.see('\x1b[<5u');
    expect(restore.restore()).toBe('');
  });
});
