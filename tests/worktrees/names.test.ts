import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { branchNameProblem, slugify, uniqueBranchName } from '../../electron/core/git/refNames';

/** What git itself says of a branch name (exit status of `git check-ref-format --branch`). */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('branch names', () => {
  const names = [
    'main', 'sy/fix-login', 'feature/a.b', 'release-1.2', 'a_b', 'x', 'a/b/c',
    'entwicklung-ü', 'функция/вход', '分支/修复', 'ünïcødé', 'emoji-🚀', 'no\u00a0break', 'a'.repeat(200),
    '-x', '--upload-pack=evil', '../../etc', 'has space', 'tab\there', 'new\nline', 'del\u007fete', 'a..b', 'x.lock', 'a/x.lock/b',
    'a:b', 'a~1', 'a^', 'a?', 'a*', 'a[b', 'a\\b', 'HEAD', '@', 'a@{1}', '@{-1}', '/abs', 'tail/', 'a//b', '.hidden', 'a/.b', 'end.', '',
    'csi-\u009b31m', 'a'.repeat(201),
  ];
  /** Our rules beyond git's: no control character of any kind, not "@" (HEAD in revisions), a length limit. */
  const oursAlone = (name: string) => /\p{Cc}/u.test(name) || name === '@' || name.length > 200;

  it('accepts no name that git refuses', () => {
    for (const name of names) {
      if (branchNameProblem(name) === null) expect(gitAccepts(name), name).toBe(true);
    }
  });

  it('accepts every name git accepts, in any script, but for control characters, "@" and overlong names', () => {
    for (const name of names) {
      if (gitAccepts(name) && !oursAlone(name)) expect(branchNameProblem(name), name).toBeNull();
    }
    for (const name of ['entwicklung-ü', 'функция/вход', '分支/修复', 'emoji-🚀']) expect(branchNameProblem(name), name).toBeNull();
  });

  it('refuses option-like, path-like, spaced, control-character and reserved names', () => {
    for (const name of ['-x', '--upload-pack=evil', '../../etc', 'has space', 'tab\there', 'del\u007fete', 'csi-\u009b31m', 'HEAD', '@{-1}', '', '\ud800']) {
      expect(branchNameProblem(name), name).not.toBeNull();
    }
  });

  it('makes slugs git accepts from any title, unique against existing names', () => {
    const titles = ['-x', '--upload-pack=evil', '../../etc', '  spaced  out  ', 'Ünïcødé façade ø æ ß', '🚀', 'a'.repeat(300), 'x.lock', '.hidden/..'];
    for (const title of titles) {
      const name = uniqueBranchName('sy/', title, () => false);
      expect(branchNameProblem(name), title).toBeNull();
      expect(gitAccepts(name), name).toBe(true);
    }
    expect(slugify('Ünïcødé façade ø æ ß')).toBe('unicode-facade-o-ae-ss');
    const taken = new Set(['sy/task', 'sy/task-2']);
    expect(uniqueBranchName('sy/', '🚀', (n) => taken.has(n))).toBe('sy/task-3');
  });
});
