import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PushAvailability, Worktree, WorktreeDiff } from '../../shared/contract';
import { gitIn } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { addTask, call, fails, projectWithRepo } from './fixture';

async function withWorktree(title = 'Review me') {
  const setup = await projectWithRepo();
  const task = addTask(setup.core, setup.project.id, title);
  const worktree = await call<Worktree>(setup.core, 'worktrees.create', { taskId: task.id });
  return { ...setup, task, worktree };
}

function commitIn(dir: string, files: Record<string, string>, message: string) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '-m', message]);
}

describe('review', () => {
  it('diffs committed, uncommitted and untracked changes against the base, without touching the index', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    commitIn(worktree.path, { 'app.txt': 'line 1\nline 2 changed\nline 3\n' }, 'agent commit');
    writeFileSync(join(worktree.path, 'README.md'), '# test\nmore\n');
    writeFileSync(join(worktree.path, 'brand-new.txt'), 'untracked\n');
    // The base moving on does not show up as the task's change.
    commitIn(repo, { 'base-only.txt': 'base\n' }, 'base moves');

    const diff = await call<WorktreeDiff>(core, 'review.diff', { taskId: task.id });
    expect(diff.baseBranch).toBe('main');
    expect(diff.files.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['README.md', 'M', 1, 0],
      ['app.txt', 'M', 1, 1],
      ['brand-new.txt', 'A', 1, 0],
    ]);
    expect(diff.patch).toContain('+line 2 changed');
    expect(diff.patch).toContain('-line 2');
    expect(diff.patch).toContain('diff --git a/brand-new.txt b/brand-new.txt');
    expect(diff.patch).not.toContain('base-only');
    expect(diff.truncated).toBe(false);
    expect(gitIn(worktree.path, ['diff', '--cached', '--name-only'])).toBe('');
    expect(gitIn(worktree.path, ['ls-files', '--others', '--exclude-standard'])).toBe('brand-new.txt');
  });

  it('commits everything with a message, and says so when there is nothing to commit', async () => {
    const { core, task, worktree } = await withWorktree();
    writeFileSync(join(worktree.path, 'new.txt'), 'n\n');
    const first = await call<{ commit: string; committed: boolean }>(core, 'review.commit', { taskId: task.id, message: 'Add new.txt' });
    expect(first.committed).toBe(true);
    expect(gitIn(worktree.path, ['log', '-1', '--format=%s'])).toBe('Add new.txt');
    expect(gitIn(worktree.path, ['status', '--porcelain'])).toBe('');
    const second = await call<{ commit: string; committed: boolean }>(core, 'review.commit', { taskId: task.id, message: 'again' });
    expect(second).toEqual({ commit: first.commit, committed: false });
  });

  it('reports a commit refused by a hook as GIT_REFUSED with the hook output, committing nothing', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    const hook = join(repo, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "lint failed: 3 problems" 1>&2\nexit 1\n');
    chmodSync(hook, 0o755);
    writeFileSync(join(worktree.path, 'bad.txt'), 'x\n');
    const head = gitIn(worktree.path, ['rev-parse', 'HEAD']);
    const error = await fails(core, 'review.commit', { taskId: task.id, message: 'will be refused' });
    expect(error.code).toBe('GIT_REFUSED');
    expect(String(error.details?.output)).toContain('lint failed: 3 problems');
    expect(gitIn(worktree.path, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('merges the branch into the base with a merge commit, updating the base checkout', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    commitIn(worktree.path, { 'feature.txt': 'feature\n' }, 'feature');
    commitIn(repo, { 'other.txt': 'other\n' }, 'base work');
    const result = await call<{ commit: string; merged: boolean }>(core, 'review.merge', { taskId: task.id, strategy: 'merge' });
    // What the merge brought, as the panel says it: the branch's one commit and one file, not the base's own work.
    expect(result).toMatchObject({ branch: 'sy/review-me', baseBranch: 'main', merged: true, commits: 1, files: 1 });
    expect(gitIn(repo, ['rev-parse', 'main'])).toBe(result.commit);
    expect(gitIn(repo, ['log', '-1', '--format=%P', 'main']).split(' ')).toHaveLength(2);
    expect(readFileSync(join(repo, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(gitIn(repo, ['status', '--porcelain'])).toBe('');
    // Merged: the worktree can now go without confirmation.
    await call(core, 'worktrees.remove', { taskId: task.id });
  });

  it('finishes a task on request: merged, worktree and branch removed, task done', async () => {
    const { core, task, worktree, repo } = await withWorktree('Finish me');
    commitIn(worktree.path, { 'done.txt': 'done\n' }, 'the work');
    const result = await call<{ merged: boolean; removed: boolean }>(core, 'review.merge', { taskId: task.id, strategy: 'squash', finish: true });
    expect(result).toMatchObject({ merged: true, removed: true });
    expect(readFileSync(join(repo, 'done.txt'), 'utf8')).toBe('done\n');
    expect(core.tasks.get(task.id).status).toBe('done');
    expect(await call(core, 'worktrees.get', { taskId: task.id })).toBeNull();
    expect(gitIn(repo, ['branch', '--list', 'sy/*'])).toBe('');
  });

  it('squashes the branch into one commit on the base, and a base nobody has checked out moves by ref', async () => {
    const { core, project, repo } = await projectWithRepo();
    gitIn(repo, ['branch', 'release']);
    const task = addTask(core, project.id, 'Squash me');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id, baseBranch: 'release' });
    commitIn(worktree.path, { 'a.txt': 'a\n' }, 'one');
    commitIn(worktree.path, { 'b.txt': 'b\n' }, 'two');
    const before = gitIn(repo, ['rev-parse', 'release']);
    const result = await call<{ commit: string; merged: boolean; baseBranch: string }>(core, 'review.merge', { taskId: task.id, strategy: 'squash' });
    expect(result).toMatchObject({ merged: true, baseBranch: 'release', commits: 2, files: 2 });
    expect(gitIn(repo, ['rev-parse', 'release'])).toBe(result.commit);
    expect(gitIn(repo, ['log', '-1', '--format=%P', 'release'])).toBe(before);
    expect(gitIn(repo, ['log', '-1', '--format=%B', 'release'])).toContain('- one\n- two');
    expect(gitIn(repo, ['show', 'release:b.txt'])).toBe('b');
    // main, checked out in the repository, is untouched.
    expect(gitIn(repo, ['rev-parse', 'main'])).not.toBe(result.commit);
    // The squashed work is in the base: removing the worktree needs no confirmation.
    expect((await call<{ saved: unknown }>(core, 'worktrees.remove', { taskId: task.id })).saved).toBeNull();
  });

  it('reports a conflicting merge as CONFLICT with the files, and leaves the base untouched', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    commitIn(worktree.path, { 'app.txt': 'line 1\nTASK\nline 3\n' }, 'task edit');
    commitIn(repo, { 'app.txt': 'line 1\nBASE\nline 3\n' }, 'base edit');
    writeFileSync(join(repo, 'local.txt'), 'uncommitted in the base checkout\n');
    const baseBefore = gitIn(repo, ['rev-parse', 'main']);
    for (const strategy of ['merge', 'squash']) {
      const error = await fails(core, 'review.merge', { taskId: task.id, strategy });
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ files: ['app.txt'] });
    }
    expect(gitIn(repo, ['rev-parse', 'main'])).toBe(baseBefore);
    expect(readFileSync(join(repo, 'app.txt'), 'utf8')).toBe('line 1\nBASE\nline 3\n');
    expect(gitIn(repo, ['status', '--porcelain'])).toBe('?? local.txt');

    // Rebasing conflicts the same way and is aborted: the branch is where it was.
    const head = gitIn(worktree.path, ['rev-parse', 'HEAD']);
    const rebase = await fails(core, 'review.rebase', { taskId: task.id });
    expect(rebase.code).toBe('CONFLICT');
    expect(rebase.details).toEqual({ files: ['app.txt'] });
    expect(gitIn(worktree.path, ['rev-parse', 'HEAD'])).toBe(head);
    expect(gitIn(worktree.path, ['status', '--porcelain'])).toBe('');
  });

  it('refuses to merge over uncommitted changes in the base checkout, leaving them and the base as they were', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    commitIn(worktree.path, { 'app.txt': 'line 1\nline 2 by the task\nline 3\n' }, 'task edit');
    writeFileSync(join(repo, 'app.txt'), 'line 1\nline 2\nline 3\nlocal, uncommitted\n');
    const before = gitIn(repo, ['rev-parse', 'main']);
    const error = await fails(core, 'review.merge', { taskId: task.id, strategy: 'merge' });
    expect(error.code).toBe('WORKTREE_DIRTY');
    expect(gitIn(repo, ['rev-parse', 'main'])).toBe(before);
    expect(readFileSync(join(repo, 'app.txt'), 'utf8')).toBe('line 1\nline 2\nline 3\nlocal, uncommitted\n');
  });

  it('rebases onto the moved base; refuses to merge or rebase uncommitted work', async () => {
    const { core, task, worktree, repo } = await withWorktree();
    commitIn(worktree.path, { 'task.txt': 't\n' }, 'task');
    const baseTip = (commitIn(repo, { 'base.txt': 'b\n' }, 'base'), gitIn(repo, ['rev-parse', 'main']));
    const { head } = await call<{ head: string }>(core, 'review.rebase', { taskId: task.id });
    expect(gitIn(worktree.path, ['rev-parse', 'HEAD~1'])).toBe(baseTip);
    expect(head).toBe(gitIn(worktree.path, ['rev-parse', 'HEAD']));
    writeFileSync(join(worktree.path, 'dirty.txt'), 'd');
    expect((await fails(core, 'review.merge', { taskId: task.id, strategy: 'merge' })).code).toBe('WORKTREE_DIRTY');
    expect((await fails(core, 'review.rebase', { taskId: task.id })).code).toBe('WORKTREE_DIRTY');
  });

  it('says why a pull request is unavailable, and pushes and opens one when a remote and gh exist', async () => {
    const { core, task, worktree, repo } = await withWorktree('Open a PR');
    const none = await call<PushAvailability>(core, 'review.pushAvailability', { taskId: task.id });
    expect(none).toEqual({ available: false, reason: 'The repository has no remote to push to.', remote: null });
    expect((await fails(core, 'review.openPullRequest', { taskId: task.id })).code).toBe('UNAVAILABLE');

    const remote = tempDir('switchyard-remote-');
    gitIn(remote, ['init', '-q', '--bare']);
    gitIn(repo, ['remote', 'add', 'origin', remote]);
    const oldPath = process.env.PATH;
    try {
      process.env.PATH = '/usr/bin:/bin';
      const noGh = await call<PushAvailability>(core, 'review.pushAvailability', { taskId: task.id });
      expect(noGh).toMatchObject({ available: false, remote: 'origin' });
      expect(noGh.reason).toContain('gh');

      // A stand-in for the GitHub CLI: records its arguments and prints a URL, as `gh pr create` does.
      const bin = tempDir('switchyard-bin-');
      mkdirSync(bin, { recursive: true });
      const log = join(bin, 'args.txt');
      writeFileSync(join(bin, 'gh'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\necho https://github.com/example/repo/pull/7\n`);
      chmodSync(join(bin, 'gh'), 0o755);
      process.env.PATH = `${bin}:/usr/bin:/bin`;
      expect(await call(core, 'review.pushAvailability', { taskId: task.id })).toEqual({ available: true, reason: null, remote: 'origin' });
      commitIn(worktree.path, { 'pr.txt': 'pr\n' }, 'pr work');
      const { url } = await call<{ url: string }>(core, 'review.openPullRequest', { taskId: task.id });
      expect(url).toBe('https://github.com/example/repo/pull/7');
      expect(gitIn(remote, ['rev-parse', 'sy/open-a-pr'])).toBe(gitIn(worktree.path, ['rev-parse', 'HEAD']));
      expect(readFileSync(log, 'utf8').split('\n')).toEqual(expect.arrayContaining(['pr', 'create', '--base', 'main', '--head', 'sy/open-a-pr', 'Open a PR']));
    } finally {
      process.env.PATH = oldPath;
    }
  });
});
