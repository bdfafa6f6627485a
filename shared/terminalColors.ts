/**
 * A pane's colours as a program asks for them (OSC 4 for the palette, 10, 11 and 12 for the
 * foreground, background and cursor) and sets them (the same with a colour, 104 and 110 to 112 to
 * restore). The session host's mirror answers these questions, like the others in
 * terminalQueries.ts, so a program gets one answer whether no pane or several show it. Panes are
 * drawn with PANE_THEME, so the mirror reports what the user sees. The questions and their answers
 * are read and written as xterm.js reads and writes them.
 */

/** The colours a pane is drawn with; the 16 named colours and the rest of the palette are xterm.js's own. */
export const PANE_THEME = { foreground: '#ffffff', background: '#0f1115', cursor: '#ffffff' } as const;

/** xterm.js's 16 named colours (dark, then bright). */
const NAMED_COLORS = [
  '#2e3436', '#cc0000', '#4e9a06', '#c4a000', '#3465a4', '#75507b', '#06989a', '#d3d7cf',
  '#555753', '#ef2929', '#8ae234', '#fce94f', '#729fcf', '#ad7fa8', '#34e2e2', '#eeeeec',
];

export type Rgb = readonly [number, number, number];

/** The slots after the 256 palette colours, as OSC 10, 11 and 12 name them. */
const FOREGROUND = 256;
const BACKGROUND = 257;
const CURSOR = 258;
const SPECIAL_SLOTS = [FOREGROUND, BACKGROUND, CURSOR];

/** The OSC numbers that ask for, set or restore a colour. */
export const COLOR_OSC_IDENTS = [4, 10, 11, 12, 104, 110, 111, 112] as const;
/** The OSC numbers that ask for a colour (with `?`) or set one. */
export const COLOR_QUERY_IDENTS = [4, 10, 11, 12] as const;

/** Three channels, each from its index. */
const rgb = (channel: (i: number) => number): Rgb => [channel(0), channel(1), channel(2)];
const hexRgb = (hex: string): Rgb => rgb((i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16));

/** Every slot's colour in a pane that no program has changed: 256 palette colours, then foreground, background and cursor. */
const THEME_COLORS: readonly Rgb[] = (() => {
  const colors = NAMED_COLORS.map(hexRgb);
  // The 6×6×6 cube (16–231) and 24 greys (232–255) of xterm's 256 colours.
  const steps = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];
  for (let i = 0; i < 216; i++) colors.push([steps[Math.floor(i / 36) % 6]!, steps[Math.floor(i / 6) % 6]!, steps[i % 6]!]);
  for (let i = 0; i < 24; i++) colors.push([8 + i * 10, 8 + i * 10, 8 + i * 10]);
  colors.push(hexRgb(PANE_THEME.foreground), hexRgb(PANE_THEME.background), hexRgb(PANE_THEME.cursor));
  return colors;
})();

/** How a sequence names a slot: `4;n` for a palette colour, 10, 11 or 12 for the others. */
const identOf = (slot: number) => (slot < 256 ? `4;${slot}` : String(10 + SPECIAL_SLOTS.indexOf(slot)));

const RGB_SPEC = /^rgb:([\da-f]{1,4})\/([\da-f]{1,4})\/([\da-f]{1,4})$/;

/** A colour as a program writes it (`rgb:r/g/b` with 1 to 4 hex digits each, or `#` with 3, 6, 9 or 12), in 8 bits a channel. */
export function parseColorSpec(spec: string): Rgb | undefined {
  const low = spec.toLowerCase();
  const channels = RGB_SPEC.exec(low);
  if (channels) {
    const digits = channels[1]!.length;
    if (channels[2]!.length !== digits || channels[3]!.length !== digits) return undefined;
    const top = 16 ** digits - 1;
    return rgb((i) => Math.round((parseInt(channels[i + 1]!, 16) / top) * 255));
  }
  const hash = /^#([\da-f]+)$/.exec(low);
  if (!hash || ![3, 6, 9, 12].includes(hash[1]!.length)) return undefined;
  const width = hash[1]!.length / 3;
  return rgb((i) => {
    const channel = parseInt(hash[1]!.slice(i * width, (i + 1) * width), 16);
    return width === 1 ? channel << 4 : width === 2 ? channel : width === 3 ? channel >> 4 : channel >> 8;
  });
}

export type ColorRequest =
  | { type: 'report'; slot: number }
  | { type: 'set'; slot: number; color: Rgb; spec: string }
  /** No slot: every palette colour. */
  | { type: 'restore'; slot?: number };

const isPaletteIndex = (text: string) => /^\d+$/.test(text) && Number(text) < 256;

/** What one colour sequence asks for, sets or restores, in order; nothing for another OSC number. */
export function colorRequests(ident: number, data: string): ColorRequest[] {
  const requests: ColorRequest[] = [];
  const slots = data.split(';');
  if (ident === 4) {
    for (let i = 0; i + 1 < slots.length; i += 2) {
      const [index, spec] = [slots[i]!, slots[i + 1]!];
      if (!isPaletteIndex(index)) continue;
      const slot = Number(index);
      if (spec === '?') requests.push({ type: 'report', slot });
      else {
        const color = parseColorSpec(spec);
        if (color) requests.push({ type: 'set', slot, color, spec });
      }
    }
  } else if (ident >= 10 && ident <= 12) {
    // OSC 10 may go on to the background and the cursor: `10;?;?` asks for the foreground and the background.
    slots.slice(0, SPECIAL_SLOTS.length - (ident - 10)).forEach((spec, i) => {
      const slot = SPECIAL_SLOTS[ident - 10 + i]!;
      if (spec === '?') requests.push({ type: 'report', slot });
      else {
        const color = parseColorSpec(spec);
        if (color) requests.push({ type: 'set', slot, color, spec });
      }
    });
  } else if (ident === 104) {
    if (data === '') requests.push({ type: 'restore' });
    else for (const index of slots) if (isPaletteIndex(index)) requests.push({ type: 'restore', slot: Number(index) });
  } else if (ident >= 110 && ident <= 112) requests.push({ type: 'restore', slot: SPECIAL_SLOTS[ident - 110]! });
  return requests;
}

const hex4 = (channel: number) => channel.toString(16).padStart(2, '0').repeat(2);

/** The answer to a question for one slot, as xterm.js writes it. */
const report = (slot: number, [r, g, b]: Rgb) => `\x1b]${identOf(slot)};rgb:${hex4(r)}/${hex4(g)}/${hex4(b)}\x1b\\`;

/** The sequence that sets one slot to what a request set it to, alone. */
export const setSequence = (request: Extract<ColorRequest, { type: 'set' }>) => `\x1b]${identOf(request.slot)};${request.spec}\x1b\\`;

/** A terminal's colours as its program sees them: what it sets is kept, what it asks is answered. */
export class TerminalColors {
  private readonly colors = [...THEME_COLORS];

  /** The sequences that set what the program changed, for a terminal that starts from this one's screen. */
  changes(): string {
    let sequences = '';
    this.colors.forEach((color, slot) => {
      if (color.every((channel, i) => channel === THEME_COLORS[slot]![i])) return;
      const spec = `rgb:${color.map((channel) => channel.toString(16).padStart(2, '0')).join('/')}`;
      sequences += setSequence({ type: 'set', slot, color, spec });
    });
    return sequences;
  }

  /** Takes one colour sequence; returns the answers to its questions, in order. */
  handle(ident: number, data: string): string[] {
    const answers: string[] = [];
    for (const request of colorRequests(ident, data)) {
      if (request.type === 'report') answers.push(report(request.slot, this.colors[request.slot]!));
      else if (request.type === 'set') this.colors[request.slot] = request.color;
      else if (request.slot !== undefined) this.colors[request.slot] = THEME_COLORS[request.slot]!;
      else for (let slot = 0; slot < 256; slot++) this.colors[slot] = THEME_COLORS[slot]!;
    }
    return answers;
  }
}
