// The whole suite: type-check, lint, build, then every test (unit, integration, end-to-end).
// Ends with one line `N passed, N failed` (checks + test cases) and writes it to test-results/summary.txt.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const extra = process.argv.slice(2);

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
step('typecheck', bin('tsc'), ['-b', '--pretty']);
step('lint', bin('eslint'), ['--max-warnings=0', '.']);
const built = step('build', process.execPath, [join(root, 'scripts', 'build.mjs')]);

if (built) {
  const report = join(results, 'vitest.json');
  console.log('\n▶ tests');
  spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], {
    cwd: root,
    stdio: 'inherit',
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
writeFileSync(join(results, 'summary.txt'), `${summary}\n`);
console.log(`\n${summary}`);
process.exit(failed === 0 ? 0 : 1);
