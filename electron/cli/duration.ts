/** Milliseconds in one of each unit a duration may be written in. */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** The longest duration accepted (ms): a week, beyond any run and within one timer's reach. */
const MAX_DURATION_MS = 7 * 24 * UNIT_MS.h;

/** One or more whole amounts, each with its unit: `90s`, `30m`, `2h`, `1h30m`. */
const DURATION = /^(?:\d+[smh])+$/;

/**
 * A duration as written on the command line, in ms; a sentence saying what is wrong with it
 * otherwise (no unit, an unknown unit, zero, too long).
 */
export function parseDuration(text: string): number | string {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return `"${text}" is not a duration: write a number and a unit, s, m or h (90s, 30m, 2h, 1h30m)`;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smh])/g)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (ms === 0) return `"${text}" is no time at all: give a duration longer than zero`;
  if (ms > MAX_DURATION_MS) return `"${text}" is longer than a week, the longest a run may be given`;
  return ms;
}
