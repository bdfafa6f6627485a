import '@fontsource/iosevka/400.css';
import '@fontsource/unifontex/400.css';

/**
 * The panes' font, bundled so it is the same everywhere: Iosevka draws text, box drawing, block
 * elements, braille spinners and powerline symbols; UnifontEX draws what Iosevka lacks among the
 * symbols agents print (Claude Code's ⎿ ✻ ✽ ✢ and others).
 */
export const PANE_FONT_FAMILY = 'Iosevka, UnifontEX, monospace';
export const PANE_FONT_SIZE = 13;

/** Characters whose fallback face must be in before a pane draws (they pull in UnifontEX). */
const FALLBACK_SAMPLE = '⎿✻✽✢⧉';

let ready: Promise<void> | undefined;

/** Resolves once both faces are loaded (or failed to load: the pane then opens with what there is). */
export function paneFontsReady(): Promise<void> {
  if (typeof document === 'undefined' || !('fonts' in document)) return Promise.resolve();
  ready ??= Promise.all([
    document.fonts.load(`${PANE_FONT_SIZE}px Iosevka`, 'M'),
    document.fonts.load(`${PANE_FONT_SIZE}px UnifontEX`, FALLBACK_SAMPLE),
  ]).then(
    () => undefined,
    () => undefined,
  );
  return ready;
}
