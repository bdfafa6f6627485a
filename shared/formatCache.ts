/** Sizes and ages as the Cache page and `switchyard cache ls` show them. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
/** Steps between units of a size. */
const BYTES_PER_UNIT = 1024;

/** 1536 → "1.5 KiB"; whole bytes below a KiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_UNIT && unit < BYTE_UNITS.length - 1) {
    value /= BYTES_PER_UNIT;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${BYTE_UNITS[unit]}`;
}

const AGE_STEPS: readonly [limitMs: number, unitMs: number, unit: string][] = [
  [60_000, 1_000, 's'],
  [3_600_000, 60_000, 'min'],
  [86_400_000, 3_600_000, 'h'],
  [Number.POSITIVE_INFINITY, 86_400_000, 'd'],
];

/** How long ago, coarsely: "just now", "5 min ago", "3 d ago". */
export function formatAge(ms: number): string {
  if (ms < 1_000) return 'just now';
  const [, unitMs, unit] = AGE_STEPS.find(([limit]) => ms < limit)!;
  return `${Math.floor(ms / unitMs)} ${unit} ago`;
}
