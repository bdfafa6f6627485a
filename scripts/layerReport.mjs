// Lists the imports that break the layer order of eslint.config.js (an import up a layer, or
// between siblings not listed beside each other) and ends with their count.
//   node scripts/layerReport.mjs          this tree
//   node scripts/layerReport.mjs <ref>    that commit's electron/, judged by this tree's rule
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';

const root = new URL('..', import.meta.url).pathname;
const ref = process.argv[2];
const LAYER_MESSAGE = /layers run one way|may not import its sibling/;

/** A copy of the commit's sources beside this tree's configuration and dependencies. */
function checkout(commit) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-layers-'));
  const archive = spawnSync('git', ['-C', root, 'archive', commit, 'electron', 'shared'], { maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  for (const file of ['eslint.config.js', 'package.json']) copyFileSync(join(root, file), join(dir, file));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const cwd = ref ? checkout(ref) : root;
try {
  const results = await new ESLint({ cwd }).lintFiles(['electron']);
  let count = 0;
  for (const result of results) {
    for (const message of result.messages) {
      if (message.ruleId !== '@typescript-eslint/no-restricted-imports' || !LAYER_MESSAGE.test(message.message)) continue;
      count++;
      console.log(`${relative(cwd, result.filePath)}:${message.line}  ${message.message.replace(/^.*pattern\. /, '')}`);
    }
  }
  console.log(`${count} imports against the layer order${ref ? ` in ${ref}` : ''}`);
} finally {
  if (ref) rmSync(cwd, { recursive: true, force: true });
}
