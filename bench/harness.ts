import os from 'node:os';

/** One figure a benchmark reports, beside the baseline it measured in the same run. */
export interface Measurement {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with (e.g. "raw node-pty", "git worktree add"). */
  baseline: string;
  baselineValue: number;
  /**
   * How to read the ratio: 'higher' when a bigger value is better (throughput), 'lower' when a
   * smaller one is (latency). The ratio is always value / baselineValue.
   */
  better: 'higher' | 'lower';
  /** The target, as the issue states it, for the table (e.g. "≤ 1.2×"). */
  target?: string;
}

export interface Row extends Measurement {
  /** The suite that measured it: a run of that suite replaces all of its old rows. */
  suite: string;
  ratio: number;
  machine: string;
  date: string;
}

/** A benchmark suite: a name and a function that measures and returns its figures. */
export interface Suite {
  name: string;
  run(): Promise<Measurement[]>;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown cpu';
  return `${os.platform()}-${os.arch()} · ${os.cpus().length} cores · ${cpu} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · node ${process.versions.node}`;
}

export function toRow(m: Measurement, suite: string, date: string): Row {
  const ratio = m.baselineValue === 0 ? Number.NaN : m.value / m.baselineValue;
  return { ...m, suite, ratio: Number(ratio.toFixed(3)), machine: machine(), date };
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
