import type { DoNotDisturb } from '../../../shared/contract';

/** How long "until" lasts when first chosen, before the user picks a time (ms). */
export const DND_DEFAULT_SPAN_MS = 60 * 60 * 1000;

const pad = (n: number) => String(n).padStart(2, '0');

/** An epoch time as a `datetime-local` input's value, in the user's time zone, to the minute. */
export function toLocalInput(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input's value as epoch ms, or null when it is not a time. */
export function fromLocalInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day, hours, minutes] = match.slice(1).map(Number) as [number, number, number, number, number];
  return new Date(year, month - 1, day, hours, minutes).getTime();
}

export type DoNotDisturbChoice = 'off' | 'until' | 'always';

export function choiceOf(setting: DoNotDisturb): DoNotDisturbChoice {
  return typeof setting === 'object' ? 'until' : setting;
}

/** The setting for a choice; "until" keeps a time already set, else starts an hour from now. */
export function settingFor(choice: DoNotDisturbChoice, current: DoNotDisturb, now: number): DoNotDisturb {
  if (choice !== 'until') return choice;
  return typeof current === 'object' ? current : { until: now + DND_DEFAULT_SPAN_MS };
}
