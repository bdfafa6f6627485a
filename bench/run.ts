// `npm run bench [-- NAME…]`: runs the suites under bench/suites (all, or those named), prints a
// table and writes bench/results/latest.json (the rows of each suite that ran replace
// all of that suite's old rows).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toRow, type Row, type Suite } from './harness';

const here = new URL('.', import.meta.url).pathname;
const suitesDir = join(here, 'suites');
const resultsFile = join(here, 'results', 'latest.json');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));

const files = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const suites: Suite[] = [];
for (const file of files) {
  const suite = (await import(pathToFileURL(join(suitesDir, file)).href)).default as Suite;
  if (wanted.length === 0 || wanted.includes(suite.name) || wanted.includes(basename(file, '.ts'))) suites.push(suite);
}
if (suites.length === 0) {
  console.error(`no suite matches ${wanted.join(', ')}; suites: ${files.join(', ')}`);
  process.exit(2);
}

const date = new Date().toISOString();
const rows: Row[] = [];
let failed = false;
for (const suite of suites) {
  console.log(`▶ ${suite.name}`);
  try {
    for (const measurement of await suite.run()) rows.push(toRow(measurement, suite.name, date));
  } catch (error) {
    failed = true;
    console.error(`✖ ${suite.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3)) : String(n));
const table = rows.map((r) => ({
  name: r.name,
  value: `${fmt(r.value)} ${r.unit}`,
  baseline: `${fmt(r.baselineValue)} ${r.unit} (${r.baseline})`,
  ratio: `${fmt(r.ratio)}×`,
  target: r.target ?? '',
}));
console.table(table);

mkdirSync(join(here, 'results'), { recursive: true });
const previous: Row[] = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Row[]) : [];
const ranSuites = new Set(rows.map((r) => r.suite));
const merged = [...previous.filter((r) => !ranSuites.has(r.suite)), ...rows];
writeFileSync(resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`wrote ${rows.length} rows to bench/results/latest.json`);
process.exit(failed ? 1 : 0);
