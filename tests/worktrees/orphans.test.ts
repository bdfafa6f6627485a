import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Orphan, SavedChanges, Worktree } from '../../shared/contract';
import { gitIn } from '../helpers/gitRepo';
import { addTask, branches, call, fails, gitWorktreePaths, projectWithRepo } from './fixture';

describe('orphans', () => {
  it('finds a task worktree removed behind our back, and adopting it checks its branch out again', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Vanishing');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    gitIn(worktree.path, ['commit', '-q', '--allow-empty', '-m', 'kept on the branch']);
    rmSync(worktree.path, { recursive: true, force: true });

    const orphans = await call<Orphan[]>(core, 'worktrees.orphans', { projectId: project.id });
    expect(orphans).toEqual([expect.objectContaining({ kind: 'missing', path: worktree.path, taskId: task.id, branch: 'sy/vanishing', insideRoot: true })]);

    const adopted = await call<Worktree>(core, 'worktrees.adopt', { projectId: project.id, path: worktree.path });
    expect(adopted).toMatchObject({ id: worktree.id, status: 'active', path: worktree.path });
    expect(gitIn(adopted.path, ['log', '-1', '--format=%s'])).toBe('kept on the branch');
    expect(await call(core, 'worktrees.orphans', { projectId: project.id })).toEqual([]);
    expect(gitWorktreePaths(repo)).toEqual([worktree.path]);
  });

  it('cleaning a missing worktree forgets it', async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Forget me');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    rmSync(worktree.path, { recursive: true, force: true });
    await call(core, 'worktrees.clean', { projectId: project.id, path: worktree.path });
    expect(await call(core, 'worktrees.get', { taskId: task.id })).toBeNull();
    expect(await call(core, 'worktrees.orphans', { projectId: project.id })).toEqual([]);
  });

  it('finds a worktree created behind our back; adopts it for a task, or cleans it saving its work', async () => {
    const { core, project, repo } = await projectWithRepo();
    const root = await core.worktrees.root(project.id);
    const manual = join(root, 'manual');
    gitIn(repo, ['worktree', 'add', '-q', '-b', 'manual', manual]);
    const strayFolder = join(root, 'leftover');
    mkdirSync(strayFolder);
    writeFileSync(join(strayFolder, 'junk.txt'), 'junk');
    writeFileSync(join(root, '.DS_Store'), 'a file, not a folder: no orphan');

    const orphans = await call<Orphan[]>(core, 'worktrees.orphans', { projectId: project.id });
    expect(orphans.map((o) => [o.kind, o.path, o.branch]).sort()).toEqual([
      ['folder', strayFolder, null],
      ['unowned', manual, 'manual'],
    ]);

    // A stray folder is no worktree: it cannot be adopted, and is deleted only when confirmed.
    expect((await fails(core, 'worktrees.adopt', { projectId: project.id, path: strayFolder, taskId: addTask(core, project.id, 'x').id })).code).toBe('BAD_INPUT');
    expect((await fails(core, 'worktrees.clean', { projectId: project.id, path: strayFolder })).code).toBe('WORKTREE_DIRTY');
    await call(core, 'worktrees.clean', { projectId: project.id, path: 'leftover', force: true });
    expect(existsSync(strayFolder)).toBe(false);

    // Adopting needs a task; the adopted worktree keeps the user's branch on removal.
    expect((await fails(core, 'worktrees.adopt', { projectId: project.id, path: manual })).code).toBe('BAD_INPUT');
    const owner = addTask(core, project.id, 'Owner');
    const adopted = await call<Worktree>(core, 'worktrees.adopt', { projectId: project.id, path: manual, taskId: owner.id });
    expect(adopted).toMatchObject({ taskId: owner.id, path: manual, branch: 'manual', ownsBranch: false });
    expect(await call(core, 'worktrees.orphans', { projectId: project.id })).toEqual([]);
    await call(core, 'worktrees.remove', { taskId: owner.id });
    expect(branches(repo)).toContain('manual');

    // Another one made behind our back, with uncommitted work: cleaning is refused, then saves it.
    const second = join(root, 'second');
    gitIn(repo, ['worktree', 'add', '-q', '-b', 'second', second]);
    writeFileSync(join(second, 'precious.txt'), 'do not lose me');
    expect((await fails(core, 'worktrees.clean', { projectId: project.id, path: second })).code).toBe('WORKTREE_DIRTY');
    expect(existsSync(join(second, 'precious.txt'))).toBe(true);
    const { saved } = await call<{ saved: SavedChanges }>(core, 'worktrees.clean', { projectId: project.id, path: second, force: true });
    expect(existsSync(second)).toBe(false);
    expect(gitIn(repo, ['show', `${saved.commit}:precious.txt`])).toBe('do not lose me');
    expect(branches(repo)).toContain('second');
    expect(gitWorktreePaths(repo)).toEqual([]);
  });

  it('a stale git entry (folder deleted outside) is reported and cleaned by pruning', async () => {
    const { core, project, repo } = await projectWithRepo();
    const root = await core.worktrees.root(project.id);
    const stale = join(root, 'stale');
    gitIn(repo, ['worktree', 'add', '-q', '-b', 'stale', stale]);
    rmSync(stale, { recursive: true, force: true });
    const orphans = await call<Orphan[]>(core, 'worktrees.orphans', { projectId: project.id });
    expect(orphans).toEqual([expect.objectContaining({ kind: 'stale', path: stale })]);
    await call(core, 'worktrees.clean', { projectId: project.id, path: stale });
    expect(gitWorktreePaths(repo)).toEqual([]);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# test\n');
  });
});
