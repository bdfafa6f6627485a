import { describe, expect, it } from 'vitest';
import { colorRequests, parseColorSpec, TerminalColors } from '../../shared/terminalColors';

describe("a terminal's colours as a program asks for and sets them", () => {
  it('reads a colour in every form xterm.js reads, in 8 bits a channel', () => {
    expect(parseColorSpec('rgb:f/0/8')).toEqual([255, 0, 136]);
    expect(parseColorSpec('rgb:ff/00/80')).toEqual([255, 0, 128]);
    expect(parseColorSpec('RGB:FFF/000/800')).toEqual([255, 0, 128]);
    expect(parseColorSpec('rgb:ffff/0000/8000')).toEqual([255, 0, 128]);
    expect(parseColorSpec('#f08')).toEqual([240, 0, 128]);
    expect(parseColorSpec('#ff0080')).toEqual([255, 0, 128]);
    expect(parseColorSpec('#fff000800')).toEqual([255, 0, 128]);
    expect(parseColorSpec('#ffff00008000')).toEqual([255, 0, 128]);
  });

  it('takes nothing from a colour it cannot read', () => {
    // Tried: mixed widths, too many digits, a hash of the wrong length, a colour name, nothing, not hex.
    for (const spec of ['rgb:f/00/8', 'rgb:fffff/0/0', 'rgb:ff/00', '#ff00', '#', 'red', '', 'rgb:gg/00/00', '#ggg']) {
      expect(parseColorSpec(spec), spec).toBeUndefined();
    }
    const colors = new TerminalColors();
    // Tried: setting the background and colour 1 to what cannot be read, then asking.
    colors.handle(11, 'not-a-colour');
    colors.handle(4, '1;nope');
    expect(colors.handle(11, '?')).toEqual(['\x1b]11;rgb:0f0f/1111/1515\x1b\\']);
    expect(colors.handle(4, '1;?')).toEqual(['\x1b]4;1;rgb:cccc/0000/0000\x1b\\']);
  });

  it('reads a sequence as xterm.js does: pairs of OSC 4, the slots after OSC 10 to 12, restores of one or all', () => {
    // Tried: an index past the palette and one that is not a number, an index with no colour, and more slots than there are.
    expect(colorRequests(4, '256;?;x;?;2;?;3')).toEqual([{ type: 'report', slot: 2 }]);
    expect(colorRequests(10, '?;#000;?;?')).toEqual([
      { type: 'report', slot: 256 },
      { type: 'set', slot: 257, color: [0, 0, 0], spec: '#000' },
      { type: 'report', slot: 258 },
    ]);
    expect(colorRequests(12, '?;?')).toEqual([{ type: 'report', slot: 258 }]);
    expect(colorRequests(104, '')).toEqual([{ type: 'restore' }]);
    expect(colorRequests(104, '1;300;2')).toEqual([{ type: 'restore', slot: 1 }, { type: 'restore', slot: 2 }]);
    expect(colorRequests(0, 'title')).toEqual([]);
  });

  it('restores one colour or every palette colour, and leaves the foreground to its own restore', () => {
    const colors = new TerminalColors();
    colors.handle(4, '1;#010203;2;#040506');
    colors.handle(10, '#070809');
    colors.handle(104, '1');
    expect(colors.handle(4, '1;?;2;?')).toEqual(['\x1b]4;1;rgb:cccc/0000/0000\x1b\\', '\x1b]4;2;rgb:0404/0505/0606\x1b\\']);
    colors.handle(104, '');
    expect(colors.handle(4, '2;?')).toEqual(['\x1b]4;2;rgb:4e4e/9a9a/0606\x1b\\']);
    expect(colors.handle(10, '?')).toEqual(['\x1b]10;rgb:0707/0808/0909\x1b\\']);
    colors.handle(110, '');
    expect(colors.handle(10, '?')).toEqual(['\x1b]10;rgb:ffff/ffff/ffff\x1b\\']);
  });

  it('says what the program changed, as sequences another terminal takes: nothing for a colour set to what it was', () => {
    const colors = new TerminalColors();
    expect(colors.changes()).toBe('');
    colors.handle(4, '1;#cc0000;200;rgb:1/2/3');
    colors.handle(11, '#123456');
    expect(colors.changes()).toBe('\x1b]4;200;rgb:11/22/33\x1b\\\x1b]11;rgb:12/34/56\x1b\\');
    const other = new TerminalColors();
    // eslint-disable-next-line no-control-regex -- the changes are escape sequences
    for (const [, ident, data] of colors.changes().matchAll(/\x1b\](\d+);(.*?)\x1b\\/g)) other.handle(Number(ident), data!);
    expect(other.changes()).toBe(colors.changes());
  });
});
