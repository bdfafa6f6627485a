import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isInside } from './worktreeRoot';

/** The file whose lines add globs of untracked files to copy into each new worktree. */
export const WORKTREE_INCLUDE_FILE = '.worktreeinclude';

/** Folders never searched for files to copy: huge, and the cache issue brings dependencies. */
const NEVER_SEARCHED = ['**/.git/**', '**/node_modules/**'];

/** The globs of `.worktreeinclude` (one a line, `#` comments and blank lines skipped), or none. */
export async function worktreeIncludeGlobs(repoPath: string): Promise<string[]> {
  const text = await readFile(join(repoPath, WORKTREE_INCLUDE_FILE), 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A glob that could reach outside the repository ("../x", "/etc/x") is ignored. */
function isSafeGlob(pattern: string): boolean {
  return !pattern.startsWith('/') && !pattern.startsWith('!') && !pattern.split(/[\\/]/).includes('..');
}

/**
 * Copies the files of the repository that match `patterns` into the worktree, at the same relative
 * paths. A file the checkout already has (a tracked one) is never overwritten; only regular files
 * are copied. Literal names are looked up directly, so the usual `.env` costs no directory walk.
 */
export async function copyMatchingFiles(repoPath: string, worktreePath: string, patterns: string[]): Promise<string[]> {
  const safe = patterns.filter(isSafeGlob);
  const literal = safe.filter((p) => !isDynamicPattern(p));
  const dynamic = safe.filter((p) => isDynamicPattern(p));
  const found = new Set<string>(literal);
  if (dynamic.length > 0) {
    for (const file of await glob(dynamic, { cwd: repoPath, dot: true, onlyFiles: true, ignore: NEVER_SEARCHED, followSymbolicLinks: false })) {
      found.add(file);
    }
  }
  const copied: string[] = [];
  const realRepo = await realpath(repoPath);
  for (const relativePath of [...found].sort()) {
    const source = resolve(repoPath, relativePath);
    const target = resolve(worktreePath, relativePath);
    if (!isInside(repoPath, source) || !isInside(worktreePath, target)) continue;
    const info = await lstat(source).catch(() => null);
    if (!info?.isFile()) continue;
    // A folder on the way may be a symlink: what is copied must really live in the repository.
    const realSource = await realpath(source).catch(() => null);
    if (!realSource || !isInside(realRepo, realSource)) continue;
    if (await lstat(target).then(() => true, () => false)) continue;
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target, constants.COPYFILE_FICLONE);
    copied.push(relativePath);
  }
  return copied;
}
