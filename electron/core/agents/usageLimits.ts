import type { AgentKind } from '../../../shared/contract';

/**
 * Usage and rate limits as each agent CLI reports them, read out of its words: the recorded
 * messages are in tests/fixtures/usage-limits.json with where each was seen. Pure: text and the
 * current time in, the limit and its reset out.
 */

/** A usage limit an agent reported. */
export interface UsageLimit {
  /** When it resets (epoch ms), or null when the agent did not say. */
  resetAt: number | null;
  /** The agent's own words, on one line. */
  message: string;
}

/**
 * A reset written as a clock time ("3pm") that is this little in the past is the reset being due
 * now (agents round the time they show), not the same time tomorrow (ms).
 */
export const CLOCK_PAST_GRACE_MS = 10 * 60_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "3pm", "1:40pm", "10:57 PM", "15:00": a time of day. */
const CLOCK = String.raw`\d{1,2}(?::\d{2})?\s?(?:[ap]\.?m\.?)|\d{1,2}:\d{2}`;
/** "Jul 5th, 2026 " or "Oct 9, ": a date before a clock time. */
const DATE = String.raw`(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,?(?: \d{4})?,? (?:at )?)?`;
/** "(Europe/Paris)", "(Etc/GMT+5)", "GMT-3", "UTC": the zone the time is in. */
const ZONE = String.raw`(?:\s?\(([A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*)\)|\s(GMT[+-]\d{1,2}(?::?\d{2})?|UTC[+-]\d{1,2}(?::?\d{2})?|UTC|GMT)\b)?`;
/** "5 days 22 hours 11 minutes", "2h 3m", "41.2s": a duration. */
const DURATION = String.raw`(?:\d+(?:\.\d+)?\s?(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b[\s,]*(?:and\s)?)+`;

type Reset = { kind: 'clock'; date: string; clock: string; zone: string | undefined } | { kind: 'in'; duration: string } | { kind: 'epoch'; seconds: string } | { kind: 'unknown' };

interface LimitPattern {
  pattern: RegExp;
  reset: (match: RegExpExecArray) => Reset;
}

const clockReset = (m: RegExpExecArray): Reset => ({ kind: 'clock', date: m[1] ?? '', clock: m[2]!, zone: m[3] ?? m[4] });
const unknown = (): Reset => ({ kind: 'unknown' });

const CLAUDE: readonly LimitPattern[] = [
  // Claude Code 1.0.x printed its API's raw form: the reset as epoch seconds after a bar.
  { pattern: /Claude AI usage limit reached\|(\d{9,11})/, reset: (m) => ({ kind: 'epoch', seconds: m[1]! }) },
  {
    pattern: new RegExp(String.raw`Claude usage limit reached\. Your limit will reset at (${DATE})(${CLOCK})${ZONE}`, 'i'),
    reset: clockReset,
  },
  // "5-hour limit reached ∙ resets 5am", "You've hit your session limit · resets 1:40pm (Europe/Paris)".
  {
    pattern: new RegExp(String.raw`(?:(?:5-hour|weekly|Opus weekly|session|usage) limit reached|You've hit your (?:[\w-]+ )?limit)\s?[∙·•|-]\s?resets (?:at )?(${DATE})(${CLOCK})${ZONE}`, 'i'),
    reset: clockReset,
  },
  { pattern: /Claude usage limit reached\b/i, reset: unknown },
];

const CODEX: readonly LimitPattern[] = [
  {
    pattern: new RegExp(String.raw`You've hit your usage limit\..{0,160}?try again in (${DURATION})`, 'i'),
    reset: (m) => ({ kind: 'in', duration: m[1]! }),
  },
  {
    pattern: new RegExp(String.raw`You've hit your usage limit\..{0,160}?try again at (${DATE})(${CLOCK})${ZONE}`, 'i'),
    reset: clockReset,
  },
  { pattern: /You've hit your usage limit\b/i, reset: unknown },
];

const GEMINI: readonly LimitPattern[] = [
  {
    pattern: new RegExp(String.raw`Usage limit reached for [\w .-]+?\. Access resets at (${DATE})(${CLOCK})${ZONE}`, 'i'),
    reset: clockReset,
  },
  { pattern: /Usage limit reached for [\w.-]+/i, reset: unknown },
  {
    pattern: new RegExp(String.raw`(?:Quota exceeded for quota metric|RESOURCE_EXHAUSTED|Resource has been exhausted|exceeded your current quota).{0,400}?Please retry in (${DURATION})`, 'i'),
    reset: (m) => ({ kind: 'in', duration: m[1]! }),
  },
  { pattern: /You have reached your daily (?:[\w.-]+ )?quota limit|Quota exceeded for quota metric|Resource has been exhausted \(e\.g\. check quota\)/i, reset: unknown },
];

/** The limit messages of each agent, most precise first. Aider and custom commands say nothing we can read. */
const PATTERNS: Record<AgentKind, readonly LimitPattern[]> = {
  'claude-code': CLAUDE,
  codex: CODEX,
  gemini: GEMINI,
  aider: [],
  // Qwen Code is a fork of Gemini CLI and reports quota errors in its words.
  qwen: GEMINI,
  cursor: [],
  opencode: [],
  copilot: [],
  amp: [],
  custom: [],
};

/** The longest a message quoted on a task is (characters). */
const MAX_MESSAGE = 300;

/**
 * The usage limit the agent reports in `text` (plain text; line breaks and runs of spaces count as
 * one space), the last one when it says several; null when it reports none.
 */
export function detectUsageLimit(kind: AgentKind, text: string, now: number): UsageLimit | null {
  const flat = text.replace(/\s+/g, ' ');
  let best: { index: number; limit: UsageLimit } | null = null;
  for (const { pattern, reset } of PATTERNS[kind]) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    let match: RegExpExecArray | null;
    let last: RegExpExecArray | null = null;
    while ((match = global.exec(flat)) !== null) last = match;
    if (!last || (best && best.index > last.index)) continue;
    // A more precise pattern found the same message first: a vaguer one matching there says no more.
    if (best && best.index === last.index) continue;
    const resetAt = resolveReset(reset(last), now);
    best = { index: last.index, limit: { resetAt, message: messageAround(flat, last) } };
  }
  return best?.limit ?? null;
}

/** The message as shown: from the match to the end of its sentence, trimmed to a line. */
function messageAround(flat: string, match: RegExpExecArray): string {
  const end = flat.indexOf('. ', match.index + match[0].length);
  const text = flat.slice(match.index, end === -1 ? match.index + match[0].length : end + 1).trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function resolveReset(reset: Reset, now: number): number | null {
  switch (reset.kind) {
    case 'unknown':
      return null;
    case 'epoch':
      return Number(reset.seconds) * 1000;
    case 'in':
      return now + durationMs(reset.duration);
    case 'clock':
      return clockResetAt(reset.date, reset.clock, reset.zone, now);
  }
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "5 days 22 hours 11 minutes", "2h 3m", "41.2s" in ms. */
export function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s?([a-z]+)/gi)) {
    const letter = unit!.toLowerCase().startsWith('mi') ? 'm' : unit!.toLowerCase().startsWith('hr') ? 'h' : unit!.toLowerCase()[0]!;
    total += Number(amount) * (UNIT_MS[letter] ?? 0);
  }
  return Math.round(total);
}

/** Hours and minutes of "3pm", "1:40pm", "10:57 PM", "15:00", or null. */
function parseClock(text: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2})(?::(\d{2}))?\s?(?:([ap])\.?m\.?)?$/i.exec(text.trim());
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const half = match[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}

/** A fixed offset from UTC written "GMT-3", "UTC+5:30", "UTC" (minutes), or null for a zone name. */
function fixedOffset(zone: string): number | null {
  const match = /^(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$/i.exec(zone);
  if (!match) return null;
  if (!match[1]) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

/** The zone's offset from UTC at `at` (minutes), read from the platform's time zone data. */
function zoneOffset(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((wall - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/** The zone's calendar day at `at`, and a way to turn a wall time in it into epoch ms. */
function zoneClock(zone: string | undefined): { offsetAt: (at: number) => number } {
  const fixed = zone === undefined ? null : fixedOffset(zone);
  if (fixed !== null) return { offsetAt: () => fixed };
  let name = zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    // A zone the platform does not know: the local one is the best guess.
    name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }
  return { offsetAt: (at) => zoneOffset(name, at) };
}

/** Epoch ms of a wall time in the zone; the offset is taken at that moment (daylight saving). */
function wallToEpoch(wall: number, offsetAt: (at: number) => number): number {
  const guess = wall - offsetAt(wall) * 60_000;
  return wall - offsetAt(guess) * 60_000;
}

/**
 * The moment a reset written as a clock time (with an optional date and zone) falls: that date,
 * or else the next time the clock shows it after `now` — except just after it, which is now.
 */
export function clockResetAt(date: string, clock: string, zone: string | undefined, now: number): number | null {
  const time = parseClock(clock);
  if (!time) return null;
  const { offsetAt } = zoneClock(zone);
  const local = new Date(now + offsetAt(now) * 60_000);
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth();
  let day = local.getUTCDate();
  const dated = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?,?(?: (\d{4}))?/.exec(date.trim());
  if (dated && MONTHS.includes(dated[1]!.toLowerCase())) {
    month = MONTHS.indexOf(dated[1]!.toLowerCase());
    day = Number(dated[2]);
    if (dated[3]) year = Number(dated[3]);
    const at = wallToEpoch(Date.UTC(year, month, day, time.hour, time.minute), offsetAt);
    // A date without its year that is long past is next year's.
    return !dated[3] && at < now - CLOCK_PAST_GRACE_MS ? wallToEpoch(Date.UTC(year + 1, month, day, time.hour, time.minute), offsetAt) : at;
  }
  const today = wallToEpoch(Date.UTC(year, month, day, time.hour, time.minute), offsetAt);
  if (today >= now - CLOCK_PAST_GRACE_MS) return Math.max(today, now);
  return wallToEpoch(Date.UTC(year, month, day + 1, time.hour, time.minute), offsetAt);
}
