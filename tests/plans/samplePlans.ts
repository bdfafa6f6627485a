import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlanBytes, parsePlanText } from '../../electron/core/plans/planParser';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The real plans users bring: beside the repository, or where this machine keeps them. */
export function sharedPlansDir(): string {
  const beside = join(repoRoot, '..', 'shared', 'plans');
  return existsSync(beside) ? beside : '/work/shared/plans';
}

export function samplePlanPath(name: string): string {
  return join(sharedPlansDir(), name);
}

export function parseSample(name: string) {
  return parsePlanBytes(readFileSync(samplePlanPath(name)));
}

/** Parses markdown written in a test; the tests indent it, so the common indent is removed. */
export function parseMd(markdown: string) {
  const lines = markdown.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return parsePlanText(lines.map((l) => l.slice(indent)).join('\n'));
}

export function byKey<T extends { key: string }>(tasks: T[]): Record<string, T> {
  return Object.fromEntries(tasks.map((t) => [t.key, t]));
}
