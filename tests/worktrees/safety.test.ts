import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SavedChanges, Worktree } from '../../shared/contract';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { addTask, branches, call, fails, filesOf, gitWorktreePaths, projectWithRepo } from './fixture';

function refs(repo: string): string[] {
  return gitIn(repo, ['for-each-ref', '--format=%(refname) %(objectname)']).split('\n').filter(Boolean).sort();
}

describe('removing a worktree never loses work', () => {
  it('refuses to remove a dirty worktree; a forced removal saves tracked and untracked changes that restore byte for byte', async () => {
    const { core, project, repo } = await projectWithRepo({ files: { 'README.md': '# r\n', 'app.txt': 'one\n', 'gone.txt': 'to delete\n' } });
    const task = addTask(core, project.id, 'Dirty work');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    // A commit of its own, then uncommitted work of every kind.
    writeFileSync(join(worktree.path, 'committed.txt'), 'committed on the branch\n');
    gitIn(worktree.path, ['add', '-A']);
    gitIn(worktree.path, ['commit', '-q', '-m', 'branch work']);
    writeFileSync(join(worktree.path, 'app.txt'), 'one\ntwo (unstaged)\n');
    writeFileSync(join(worktree.path, 'staged.txt'), 'staged\n');
    gitIn(worktree.path, ['add', 'staged.txt']);
    unlinkSync(join(worktree.path, 'gone.txt'));
    mkdirSync(join(worktree.path, 'new dir'));
    writeFileSync(join(worktree.path, 'new dir', 'ünïcødé.bin'), Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    const before = filesOf(worktree.path);

    const refused = await fails(core, 'worktrees.remove', { taskId: task.id });
    expect(refused.code).toBe('WORKTREE_DIRTY');
    expect(refused.details).toMatchObject({ dirtyCount: 4, unmergedCommits: 1 });
    expect(filesOf(worktree.path)).toEqual(before);
    expect(gitWorktreePaths(repo)).toEqual([worktree.path]);

    const { saved } = await call<{ saved: SavedChanges }>(core, 'worktrees.remove', { taskId: task.id, force: true });
    expect(saved.ref.startsWith(`refs/switchyard/saved/${task.id}/`)).toBe(true);
    expect(existsSync(worktree.path)).toBe(false);
    expect(branches(repo)).toEqual(['main']);
    expect(await call<SavedChanges[]>(core, 'worktrees.saved', { projectId: project.id })).toEqual([
      expect.objectContaining({ ref: saved.ref, taskId: task.id, branch: 'sy/dirty-work', reason: 'removal' }),
    ]);

    const restored = await call<Worktree>(core, 'worktrees.restoreSaved', { projectId: project.id, ref: saved.ref });
    expect(restored.status).toBe('active');
    expect(filesOf(restored.path)).toEqual(before);
    expect(gitIn(restored.path, ['log', '-1', '--format=%s'])).toBe('branch work');
  });

  it('archiving a dirty worktree is refused, and forced it saves the changes first', async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Archive dirty');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    writeFileSync(join(worktree.path, 'scratch.txt'), 'notes');
    expect((await fails(core, 'worktrees.archive', { taskId: task.id })).code).toBe('WORKTREE_DIRTY');
    const { saved } = await call<{ saved: SavedChanges }>(core, 'worktrees.archive', { taskId: task.id, force: true });
    expect(saved.reason).toBe('archive');
    const again = await call<Worktree>(core, 'worktrees.restoreSaved', { projectId: project.id, ref: saved.ref });
    expect(readFileSync(join(again.path, 'scratch.txt'), 'utf8')).toBe('notes');
  });

  it('restores saved changes on a new branch when the old branch name now points elsewhere', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Moved on');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    writeFileSync(join(worktree.path, 'keep.txt'), 'kept');
    const { saved } = await call<{ saved: SavedChanges }>(core, 'worktrees.remove', { taskId: task.id, force: true });
    gitIn(repo, ['commit', '-q', '--allow-empty', '-m', 'main moves']);
    gitIn(repo, ['branch', 'sy/moved-on', 'main']);
    const restored = await call<Worktree>(core, 'worktrees.restoreSaved', { projectId: project.id, ref: saved.ref });
    expect(restored.branch).toBe('sy/moved-on-restored');
    expect(gitIn(restored.path, ['rev-parse', 'HEAD'])).toBe(saved.parent);
    expect(readFileSync(join(restored.path, 'keep.txt'), 'utf8')).toBe('kept');
    expect(gitIn(repo, ['rev-parse', 'sy/moved-on'])).toBe(gitIn(repo, ['rev-parse', 'main']));
  });

  it('restoring saved changes into a worktree with uncommitted changes is refused', async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Twice');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    writeFileSync(join(worktree.path, 'a.txt'), 'a');
    const { saved } = await call<{ saved: SavedChanges }>(core, 'worktrees.archive', { taskId: task.id, force: true });
    const restored = await call<Worktree>(core, 'worktrees.restoreSaved', { projectId: project.id, ref: saved.ref });
    expect((await fails(core, 'worktrees.restoreSaved', { projectId: project.id, ref: saved.ref })).code).toBe('WORKTREE_DIRTY');
    expect(readFileSync(join(restored.path, 'a.txt'), 'utf8')).toBe('a');
    expect((await fails(core, 'worktrees.restoreSaved', { projectId: project.id, ref: 'refs/heads/main' })).code).toBe('BAD_INPUT');
    expect((await fails(core, 'worktrees.restoreSaved', { projectId: project.id, ref: 'refs/switchyard/saved/x/1' })).code).toBe('NOT_FOUND');
  });
});

describe('hostile and broken input', () => {
  it('sanitises hostile task titles into safe branch names', async () => {
    const { core, project, repo } = await projectWithRepo();
    const titles: [string, string][] = [
      ['-x', 'sy/x'],
      ['--upload-pack=evil', 'sy/upload-pack-evil'],
      ['../../etc', 'sy/etc'],
      ['name with spaces', 'sy/name-with-spaces'],
      ['Ünïcødé façade 🚀', 'sy/unicode-facade'],
      ['🚀🚀', 'sy/task'],
      ['refs/heads/x.lock', 'sy/refs-heads-x-lock'],
    ];
    for (const [title, branch] of titles) {
      const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, title).id });
      expect(worktree.branch, title).toBe(branch);
      expect(worktree.path.startsWith(await core.worktrees.root(project.id))).toBe(true);
    }
    expect(branches(repo)).toHaveLength(titles.length + 1);
  });

  it('refuses hostile branch and base branch names with BAD_INPUT, and changes nothing', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Target');
    const before = refs(repo);
    const hostile = ['-x', '--upload-pack=evil', '../../etc', 'has space', 'csi-\u009b31m', 'a..b', 'x.lock', 'a:b', 'HEAD', '@', 'a@{1}', '/abs', 'tail/', '.hidden'];
    for (const name of hostile) {
      for (const field of ['branch', 'baseBranch']) {
        const error = await fails(core, 'worktrees.create', { taskId: task.id, [field]: name });
        expect(error.code, `${field} ${name}`).toBe('BAD_INPUT');
      }
    }
    expect(refs(repo)).toEqual(before);
    expect(gitWorktreePaths(repo)).toEqual([]);
    expect(await call(core, 'worktrees.list', { projectId: project.id, includeRemoved: true })).toEqual([]);
    // The same names through the prefix setting are refused too.
    expect((await fails(core, 'settings.set', { key: 'worktrees.branchPrefix', value: '-x/', scope: 'user' })).code).toBe('BAD_INPUT');
  });

  it('refuses names that clash with existing branches (git cannot hold "a" and "a/b"), changing nothing', async () => {
    const { core, project, repo } = await projectWithRepo();
    gitIn(repo, ['branch', 'sy']);
    gitIn(repo, ['branch', 'feature/deep']);
    const before = refs(repo);
    const task = addTask(core, project.id, 'Clash');
    expect((await fails(core, 'worktrees.create', { taskId: task.id })).code).toBe('BAD_INPUT');
    expect((await fails(core, 'worktrees.create', { taskId: task.id, branch: 'feature' })).code).toBe('ALREADY_EXISTS');
    expect((await fails(core, 'worktrees.create', { taskId: task.id, branch: 'feature/deep/er' })).code).toBe('ALREADY_EXISTS');
    expect(refs(repo)).toEqual(before);
    expect(gitWorktreePaths(repo)).toEqual([]);
    await call(core, 'settings.set', { key: 'worktrees.branchPrefix', value: 'agents/', scope: 'project', projectId: project.id });
    expect((await call<Worktree>(core, 'worktrees.create', { taskId: task.id })).branch).toBe('agents/clash');
  });

  it('refuses malformed procedure input with BAD_INPUT', async () => {
    const { core, project } = await projectWithRepo();
    const tried: [string, unknown][] = [
      ['worktrees.create', {}],
      ['worktrees.create', { taskId: 'x', mode: 'elsewhere' }],
      ['worktrees.create', { taskId: 'x', branch: '' }],
      ['worktrees.remove', { taskId: 'x', force: 'yes' }],
      ['worktrees.adopt', { projectId: project.id, path: '' }],
      ['review.merge', { taskId: 'x', strategy: 'octopus' }],
      ['review.commit', { taskId: 'x', message: '   ' }],
      ['worktrees.list', { projectId: project.id, extra: 1 }],
    ];
    for (const [method, input] of tried) expect((await fails(core, method, input)).code, method).toBe('BAD_INPUT');
  });

  it('gives typed errors for a repository with no commits, a detached HEAD, a bare repository and a folder that is no repository', async () => {
    // No commits.
    const { core, project: emptyProject } = await projectWithRepo({ files: {} });
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, emptyProject.id, 'x').id })).code).toBe('EMPTY_REPOSITORY');
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, emptyProject.id, 'y').id, mode: 'repository' })).code).toBe('EMPTY_REPOSITORY');

    // A detached HEAD with no branch named like the fallback base.
    const detached = makeRepo({ branch: 'trunk', files: { 'a.txt': 'a' } });
    gitIn(detached, ['checkout', '-q', '--detach']);
    gitIn(detached, ['branch', '-q', '-D', 'trunk']);
    const detachedProject = await core.projects.add(detached);
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, detachedProject.id, 'x').id })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, detachedProject.id, 'y').id, mode: 'repository' })).code).toBe('DETACHED_HEAD');

    // A repository that became bare, and one whose folder is no repository any more.
    const bareRepo = makeRepo();
    const bareProject = await core.projects.add(bareRepo);
    gitIn(bareRepo, ['config', 'core.bare', 'true']);
    const bareError = await fails(core, 'worktrees.create', { taskId: addTask(core, bareProject.id, 'x').id });
    expect(bareError.code).toBe('NOT_A_GIT_REPO');
    expect(bareError.message).toMatch(/bare/);

    const gone = makeRepo();
    const goneProject = await core.projects.add(gone);
    rmSync(join(gone, '.git'), { recursive: true, force: true });
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, goneProject.id, 'x').id })).code).toBe('NOT_A_GIT_REPO');
    rmSync(gone, { recursive: true, force: true });
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, goneProject.id, 'y').id })).code).toBe('PATH_NOT_FOUND');

    // Nothing was recorded for any of them.
    for (const p of [emptyProject, detachedProject, bareProject, goneProject]) {
      expect(await call(core, 'worktrees.list', { projectId: p.id, includeRemoved: true })).toEqual([]);
    }
  });

  it('refuses adopting or cleaning a path outside the project worktree folder', async () => {
    const { core, project } = await projectWithRepo();
    const outside = tempDir();
    writeFileSync(join(outside, 'precious.txt'), 'keep');
    for (const path of ['../../etc', '/etc', outside, '..', '.']) {
      expect((await fails(core, 'worktrees.clean', { projectId: project.id, path, force: true })).code, path).toBe('BAD_INPUT');
      expect((await fails(core, 'worktrees.adopt', { projectId: project.id, path })).code, path).toBe('BAD_INPUT');
    }
    expect(readFileSync(join(outside, 'precious.txt'), 'utf8')).toBe('keep');
  });
});
