import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Worktree, WorktreeState } from '../../shared/contract';
import { STALE_GIT_LOCK_MS } from '../../electron/core/git/gitFailure';
import { gitIn } from '../helpers/gitRepo';
import { addTask, branches, call, fails, projectWithRepo } from './fixture';

function commitIn(dir: string, files: Record<string, string>, message: string) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '-m', message]);
}

/** An empty lock file as a git process leaves it, last touched `ageMs` ago. */
function leaveLock(path: string, ageMs: number): void {
  writeFileSync(path, '');
  const then = (Date.now() - ageMs) / 1000;
  utimesSync(path, then, then);
}

describe('a base branch named in any script', () => {
  it('makes, commits in and merges back worktrees of a repository whose base branch is "entwicklung-ü"', async () => {
    const { core, project, repo } = await projectWithRepo({ branch: 'entwicklung-ü', files: { 'app.txt': 'eins\n' } });
    expect(project.baseBranch).toBe('entwicklung-ü');
    const task = addTask(core, project.id, 'Übersetzung prüfen');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    expect(worktree.baseBranch).toBe('entwicklung-ü');
    writeFileSync(join(worktree.path, 'app.txt'), 'eins\nzwei\n');
    await call(core, 'review.commit', { taskId: task.id, message: 'Zwei hinzufügen' });
    const merged = await call<{ merged: boolean; removed: boolean }>(core, 'review.merge', { taskId: task.id, strategy: 'squash', finish: true });
    expect(merged).toMatchObject({ merged: true, removed: true });
    expect(gitIn(repo, ['show', 'entwicklung-ü:app.txt'])).toBe('eins\nzwei');

    // A branch and a base given by name, in other scripts, are taken as they are.
    gitIn(repo, ['branch', 'функция/база']);
    const named = addTask(core, project.id, 'Named');
    const other = await call<Worktree>(core, 'worktrees.create', { taskId: named.id, branch: '分支/修复', baseBranch: 'функция/база' });
    expect(other).toMatchObject({ branch: '分支/修复', baseBranch: 'функция/база' });
    expect(gitIn(other.path, ['symbolic-ref', '--short', 'HEAD'])).toBe('分支/修复');
    expect(branches(repo)).toEqual(['entwicklung-ü', 'функция/база', '分支/修复'].sort());
  });
});

describe('a git lock file in the way', () => {
  it('says a stale index.lock in the repository blocks a merge and names it, changes nothing, and merges once it is removed', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Locked out');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    commitIn(worktree.path, { 'app.txt': 'changed\n' }, 'task work');
    const baseBefore = gitIn(repo, ['rev-parse', 'main']);
    const lock = join(repo, '.git', 'index.lock');

    // Tried: a lock left by a git process killed two minutes ago.
    leaveLock(lock, 2 * STALE_GIT_LOCK_MS);
    const stale = await fails(core, 'review.merge', { taskId: task.id, strategy: 'merge' });
    expect(stale.code).toBe('GIT_LOCKED');
    expect(stale.message).toContain(`a git index.lock from a process that is no longer running`);
    expect(stale.message).toContain(`remove ${lock}`);
    expect(stale.details).toMatchObject({ lock, stale: true });
    expect(gitIn(repo, ['rev-parse', 'main'])).toBe(baseBefore);

    // Tried: a lock touched just now, as one a running git holds.
    leaveLock(lock, 0);
    const fresh = await fails(core, 'review.merge', { taskId: task.id, strategy: 'merge' });
    expect(fresh.code).toBe('GIT_LOCKED');
    expect(fresh.message).toContain('another git process is working in this repository');
    expect(fresh.details).toMatchObject({ lock, stale: false });
    expect(gitIn(repo, ['rev-parse', 'main'])).toBe(baseBefore);

    rmSync(lock);
    expect(await call(core, 'review.merge', { taskId: task.id, strategy: 'merge' })).toMatchObject({ merged: true });
  });

  it("says an index.lock in the task's worktree blocks a commit, instead of failing unexpectedly, and keeps the work", async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Commit blocked');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    writeFileSync(join(worktree.path, 'new.txt'), 'work\n');
    const lock = join(gitIn(worktree.path, ['rev-parse', '--absolute-git-dir']), 'index.lock');
    leaveLock(lock, 2 * STALE_GIT_LOCK_MS);

    const error = await fails(core, 'review.commit', { taskId: task.id, message: 'Add new.txt' });
    expect(error.code).toBe('GIT_LOCKED');
    expect(error.message).toContain(`remove ${lock}`);
    expect(gitIn(worktree.path, ['status', '--porcelain'])).toBe('?? new.txt');

    rmSync(lock);
    expect(await call(core, 'review.commit', { taskId: task.id, message: 'Add new.txt' })).toMatchObject({ committed: true });
  });
});

describe('a repository that is gone', () => {
  it('answers status, overview, diff and the orphan list of a deleted repository with PATH_NOT_FOUND naming its folder', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Orphaned');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    expect((await call<WorktreeState>(core, 'worktrees.status', { taskId: task.id })).exists).toBe(true);

    rmSync(repo, { recursive: true, force: true });
    expect(existsSync(worktree.path)).toBe(true);
    const tried: [string, unknown][] = [
      ['worktrees.status', { taskId: task.id }],
      ['worktrees.overview', { projectId: project.id }],
      ['review.diff', { taskId: task.id }],
      ['review.pushAvailability', { taskId: task.id }],
      ['worktrees.orphans', { projectId: project.id }],
    ];
    for (const [method, input] of tried) {
      const error = await fails(core, method, input);
      expect(error.code, method).toBe('PATH_NOT_FOUND');
      expect(error.message, method).toContain(repo);
      expect(error.details, method).toMatchObject({ path: repo });
    }
  });

  it('answers status of a folder whose .git was deleted with NOT_A_GIT_REPO naming it', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'No git');
    await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    rmSync(join(repo, '.git'), { recursive: true, force: true });
    const error = await fails(core, 'worktrees.status', { taskId: task.id });
    expect(error.code).toBe('NOT_A_GIT_REPO');
    expect(error.message).toContain(repo);
  });
});
