/** Working hours in a day and in a week, to put "2 days" and "6 hours" on one scale. */
const HOURS_PER_DAY = 8;
const HOURS_PER_WEEK = 5 * HOURS_PER_DAY;

const UNIT_HOURS: [RegExp, number][] = [
  [/^(?:w|wks?|weeks?)$/i, HOURS_PER_WEEK],
  [/^(?:d|days?)$/i, HOURS_PER_DAY],
  [/^(?:h|hrs?|hours?)$/i, 1],
  [/^(?:m|mins?|minutes?)$/i, 1 / 60],
];

/**
 * Hours in an estimate as plans write it: "4-6 hours" (the middle of a range), "2h", "1.5 days",
 * "30 min". Null when it names no time ("High", "3 points").
 */
export function estimateHours(estimate: string | null): number | null {
  if (!estimate) return null;
  const match = /(\d+(?:\.\d+)?)\s*(?:(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*([a-z]+)/i.exec(estimate);
  if (!match) return null;
  const unit = UNIT_HOURS.find(([re]) => re.test(match[3]!));
  if (!unit) return null;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return ((low + high) / 2) * unit[1];
}
