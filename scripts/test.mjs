// The suite: type-check, lint, build, then every test (unit, integration, end-to-end) but the slow
// tier. With --slow: build if stale, then only the slow tier (`*.slow.test.ts`).
// Ends with one line `N passed, N failed` (checks + test cases) and writes it to
// test-results/summary.txt (summary-slow.txt for the slow tier).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const slowTier = process.argv.includes('--slow');
const extra = process.argv.slice(2).filter((arg) => arg !== '--slow');

let passed = 0;
let failed = 0;

function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (run.status === 0) passed++;
  else {
    failed++;
    console.log(`✖ ${name} failed (exit ${run.status ?? run.signal})`);
  }
  return run.status === 0;
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
if (!slowTier) {
  step('typecheck', bin('tsc'), ['-b', '--pretty']);
  step('lint', bin('eslint'), ['--max-warnings=0', '.']);
}
const buildArgs = [join(root, 'scripts', 'build.mjs'), ...(slowTier ? ['--if-stale'] : [])];
const built = step('build', process.execPath, buildArgs);

if (built) {
  const report = join(results, slowTier ? 'vitest-slow.json' : 'vitest.json');
  console.log(slowTier ? '\n▶ slow tests' : '\n▶ tests');
  spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SWITCHYARD_TEST_TIER: slowTier ? 'slow' : 'default' },
  });
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    failed += json.numFailedTests;
    // A test file that could not even load counts as a failure too.
    failed += json.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  } else {
    failed++;
    console.log('✖ the test runner wrote no report');
  }
}

const summary = `${passed} passed, ${failed} failed`;
writeFileSync(join(results, slowTier ? 'summary-slow.txt' : 'summary.txt'), `${summary}\n`);
console.log(`\n${summary}`);
process.exit(failed === 0 ? 0 : 1);
