import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Worktree, WorktreeState } from '../../shared/contract';
import { gitIn } from '../helpers/gitRepo';
import { addTask, branches, call, collect, fails, gitWorktreePaths, projectWithRepo } from './fixture';

describe('worktree lifecycle', () => {
  it('creates a worktree on a new branch named after the task, lists it, reports its status and removes it', async () => {
    const { core, project, repo } = await projectWithRepo();
    const changed = collect(core, 'worktree.changed');
    const task = addTask(core, project.id, 'Fix the login bug');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });

    expect(worktree).toMatchObject({ branch: 'sy/fix-the-login-bug', baseBranch: 'main', mode: 'worktree', status: 'active', setup: 'done' });
    expect(worktree.path.startsWith(realpathSync(join(core.dataDir, 'worktrees')))).toBe(true);
    expect(worktree.path).toContain(`-${project.id.slice(0, 8)}/fix-the-login-bug`);
    expect(worktree.path.startsWith(repo)).toBe(false);
    expect(readFileSync(join(worktree.path, 'app.txt'), 'utf8')).toBe('line 1\nline 2\nline 3\n');
    expect(gitIn(worktree.path, ['symbolic-ref', '--short', 'HEAD'])).toBe('sy/fix-the-login-bug');
    expect(gitWorktreePaths(repo)).toEqual([worktree.path]);
    expect(changed.map((c) => c.kind)).toContain('created');

    expect(await call<Worktree[]>(core, 'worktrees.list', { projectId: project.id })).toEqual([
      expect.objectContaining({ id: worktree.id }),
    ]);
    writeFileSync(join(worktree.path, 'new.txt'), 'hello\n');
    gitIn(worktree.path, ['add', 'new.txt']);
    gitIn(worktree.path, ['commit', '-q', '-m', 'add new']);
    writeFileSync(join(worktree.path, 'README.md'), 'changed\n');
    const state = await call<WorktreeState>(core, 'worktrees.status', { taskId: task.id });
    expect(state).toMatchObject({ exists: true, ahead: 1, behind: 0, conflicts: [] });
    expect(state.dirty).toEqual([expect.objectContaining({ path: 'README.md', status: 'M' })]);

    gitIn(worktree.path, ['checkout', '-q', '--', 'README.md']);
    // The commit is not on main: removal is refused until it is confirmed.
    expect((await fails(core, 'worktrees.remove', { taskId: task.id })).code).toBe('WORKTREE_DIRTY');
    gitIn(repo, ['merge', '-q', '--ff-only', 'sy/fix-the-login-bug']);
    const { worktree: removed, saved } = await call<{ worktree: Worktree; saved: unknown }>(core, 'worktrees.remove', { taskId: task.id });
    expect(removed.status).toBe('removed');
    expect(saved).toBeNull();
    expect(existsSync(worktree.path)).toBe(false);
    expect(gitWorktreePaths(repo)).toEqual([]);
    expect(branches(repo)).toEqual(['main']);
    expect(await call(core, 'worktrees.list', { projectId: project.id })).toEqual([]);
    expect(await call<Worktree[]>(core, 'worktrees.list', { projectId: project.id, includeRemoved: true })).toHaveLength(1);
    expect(await call(core, 'worktrees.get', { taskId: task.id })).toBeNull();
    const kinds = (await call<{ kind: string }[]>(core, 'worktrees.activity', { taskId: task.id })).map((a) => a.kind);
    expect(kinds[0]).toBe('created');
    expect(kinds).toContain('removed');
  });

  it('gives two tasks started at once two worktrees on two branches, and titles that collide unique names', async () => {
    const { core, project, repo } = await projectWithRepo();
    const a = addTask(core, project.id, 'Add search');
    const b = addTask(core, project.id, 'Add search');
    const [wa, wb] = await Promise.all([
      call<Worktree>(core, 'worktrees.create', { taskId: a.id }),
      call<Worktree>(core, 'worktrees.create', { taskId: b.id }),
    ]);
    expect(new Set([wa.branch, wb.branch])).toEqual(new Set(['sy/add-search', 'sy/add-search-2']));
    expect(wa.path).not.toBe(wb.path);
    expect(gitWorktreePaths(repo).sort()).toEqual([wa.path, wb.path].sort());
    expect(branches(repo)).toEqual(['main', 'sy/add-search', 'sy/add-search-2']);
    writeFileSync(join(wa.path, 'only-in-a.txt'), 'a');
    expect(existsSync(join(wb.path, 'only-in-a.txt'))).toBe(false);
    // A task has one worktree at a time.
    expect((await fails(core, 'worktrees.create', { taskId: a.id })).code).toBe('ALREADY_EXISTS');
  });

  it('gives an overview of every worktree of a project with its status', async () => {
    const { core, project } = await projectWithRepo();
    const a = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, 'One').id });
    const b = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, 'Two').id });
    writeFileSync(join(b.path, 'dirty.txt'), 'x');
    await call(core, 'worktrees.archive', { taskId: a.taskId });
    const overview = await call<WorktreeState[]>(core, 'worktrees.overview', { projectId: project.id });
    expect(overview.map((s) => [s.worktree.branch, s.worktree.status, s.exists, s.dirty.length])).toEqual([
      ['sy/one', 'archived', false, 0],
      ['sy/two', 'active', true, 1],
    ]);
  });

  it('makes one worktree when the same task is started twice at once', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Double start');
    const results = await Promise.all([core.dispatch('worktrees.create', { taskId: task.id }), core.dispatch('worktrees.create', { taskId: task.id })]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code)).sort()).toEqual(['ALREADY_EXISTS', 'ok']);
    expect(gitWorktreePaths(repo)).toHaveLength(1);
    expect(branches(repo)).toEqual(['main', 'sy/double-start']);
  });

  it('starts from a base branch the caller picks, and with a branch name the caller picks', async () => {
    const { core, project, repo } = await projectWithRepo();
    gitIn(repo, ['branch', 'develop']);
    const task = addTask(core, project.id, 'Anything');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id, baseBranch: 'develop', branch: 'feature/picked' });
    expect(worktree).toMatchObject({ baseBranch: 'develop', branch: 'feature/picked', baseCommit: gitIn(repo, ['rev-parse', 'develop']) });
    const other = addTask(core, project.id, 'Other');
    expect((await fails(core, 'worktrees.create', { taskId: other.id, branch: 'feature/picked' })).code).toBe('ALREADY_EXISTS');
    expect((await fails(core, 'worktrees.create', { taskId: other.id, baseBranch: 'nope' })).code).toBe('NOT_FOUND');
  });

  it('archives (branch kept, checkout gone) and restores the same branch with its commits', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Archive me');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    writeFileSync(join(worktree.path, 'work.txt'), 'committed work\n');
    gitIn(worktree.path, ['add', '-A']);
    gitIn(worktree.path, ['commit', '-q', '-m', 'work']);
    const head = gitIn(worktree.path, ['rev-parse', 'HEAD']);

    const { worktree: archived } = await call<{ worktree: Worktree }>(core, 'worktrees.archive', { taskId: task.id });
    expect(archived.status).toBe('archived');
    expect(existsSync(worktree.path)).toBe(false);
    expect(gitIn(repo, ['rev-parse', 'sy/archive-me'])).toBe(head);
    expect((await call<WorktreeState>(core, 'worktrees.status', { taskId: task.id })).exists).toBe(false);

    const restored = await call<Worktree>(core, 'worktrees.restore', { taskId: task.id });
    expect(restored).toMatchObject({ status: 'active', branch: 'sy/archive-me', path: worktree.path });
    expect(readFileSync(join(restored.path, 'work.txt'), 'utf8')).toBe('committed work\n');
  });

  it('prepare() makes the checkout a session needs, reuses it, and restores an archived one', async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Session task');
    const first = await core.worktrees.prepare(task);
    expect(first).toMatchObject({ branch: 'sy/session-task', baseBranch: 'main', mode: 'worktree' });
    expect(existsSync(first.path)).toBe(true);
    expect((await core.worktrees.prepare(task.id)).worktree.id).toBe(first.worktree.id);
    await core.worktrees.archive(task.id);
    const again = await core.worktrees.prepare(task.id);
    expect(again.worktree.id).toBe(first.worktree.id);
    expect(existsSync(again.path)).toBe(true);
    // A task that builds on another starts from the branch holding that work.
    gitIn(project.path, ['branch', 'deps-merged']);
    const dependent = await core.worktrees.prepare(addTask(core, project.id, 'Dependent'), { baseBranch: 'deps-merged' });
    expect(dependent.baseBranch).toBe('deps-merged');
  });

  it('runs a task in the repository itself when asked (no-worktree mode), and removing it touches nothing', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'In place');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id, mode: 'repository' });
    expect(worktree).toMatchObject({ path: repo, branch: 'main', mode: 'repository', ownsBranch: false });
    expect(gitWorktreePaths(repo)).toEqual([]);
    writeFileSync(join(repo, 'README.md'), 'edited in place\n');
    const state = await call<WorktreeState>(core, 'worktrees.status', { taskId: task.id });
    expect(state.dirty.map((d) => d.path)).toEqual(['README.md']);
    await call(core, 'worktrees.remove', { taskId: task.id });
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('edited in place\n');
    expect(branches(repo)).toEqual(['main']);

    // The project setting makes it the default.
    await call(core, 'settings.set', { key: 'worktrees.mode', value: 'repository', scope: 'project', projectId: project.id });
    const next = addTask(core, project.id, 'Also in place');
    expect((await core.worktrees.prepare(next)).path).toBe(repo);
  });

  it('uses the worktrees.root setting, and refuses a root inside the repository', async () => {
    const { core, project, repo } = await projectWithRepo();
    const custom = join(core.dataDir, 'elsewhere');
    await call(core, 'settings.set', { key: 'worktrees.root', value: custom, scope: 'user' });
    const { path: root } = await call<{ path: string }>(core, 'worktrees.root', { projectId: project.id });
    expect(root.startsWith(custom) || root.includes('elsewhere')).toBe(true);
    const task = addTask(core, project.id, 'Rooted');
    expect((await call<Worktree>(core, 'worktrees.create', { taskId: task.id })).path.startsWith(root)).toBe(true);

    await call(core, 'settings.set', { key: 'worktrees.root', value: 'relative/trees', scope: 'project', projectId: project.id });
    expect((await fails(core, 'worktrees.create', { taskId: addTask(core, project.id, 'Relative').id })).code).toBe('BAD_INPUT');
    await call(core, 'settings.set', { key: 'worktrees.root', value: join(repo, 'trees'), scope: 'project', projectId: project.id });
    const inside = addTask(core, project.id, 'Inside');
    expect((await fails(core, 'worktrees.create', { taskId: inside.id })).code).toBe('BAD_INPUT');
    expect(existsSync(join(repo, 'trees'))).toBe(false);
  });

  it('prunes the entry of a worktree whose folder was deleted, and only that', async () => {
    const { core, project, repo } = await projectWithRepo();
    const keep = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, 'Keep').id });
    const stray = join(await core.worktrees.root(project.id), 'stray');
    gitIn(repo, ['worktree', 'add', '-q', '-b', 'stray', stray]);
    rmSync(stray, { recursive: true, force: true });
    const { pruned } = await call<{ pruned: string[] }>(core, 'worktrees.prune', { projectId: project.id });
    expect(pruned).toEqual([stray]);
    expect(gitWorktreePaths(repo)).toEqual([keep.path]);
    expect(branches(repo)).toContain('stray');
  });
});
