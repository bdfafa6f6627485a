import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Worktree, WorktreeActivity } from '../../shared/contract';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { addTask, call, collect, fails, projectWithRepo } from './fixture';

describe('worktree setup phases', () => {
  it('copies the configured untracked files and the globs of .worktreeinclude, never overwriting a tracked file', async () => {
    const { core, project, repo } = await projectWithRepo({
      files: { 'README.md': '# r\n', '.gitignore': '.env\n.env.local\nconfig/\nsecrets.json\n', '.worktreeinclude': '# local config\nconfig/**/*.json\n../outside.txt\n' },
    });
    writeFileSync(join(repo, '.env'), 'TOKEN=abc\n');
    writeFileSync(join(repo, 'secrets.json'), '{"a":1}');
    mkdirSync(join(repo, 'config', 'deep'), { recursive: true });
    writeFileSync(join(repo, 'config', 'deep', 'local.json'), '{"deep":true}');
    writeFileSync(join(repo, 'config', 'notes.txt'), 'not matched');
    writeFileSync(join(repo, 'README.md'), '# locally modified, tracked\n');
    // A folder that is a symlink to elsewhere: nothing is copied through it.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'private.json'), '{"secret":true}');
    symlinkSync(elsewhere, join(repo, 'config', 'linked'));
    const outside = join(repo, '..', 'outside.txt');
    writeFileSync(outside, 'must not be copied');
    onTestFinished(() => rmSync(outside, { force: true }));
    await call(core, 'settings.set', { key: 'worktrees.copyFiles', value: ['.env', '.env.local', 'secrets.json', 'README.md', 'config/linked/private.json'], scope: 'project', projectId: project.id });
    const progress = collect(core, 'worktree.progress');

    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, 'Copy').id });
    expect(readFileSync(join(worktree.path, '.env'), 'utf8')).toBe('TOKEN=abc\n');
    expect(readFileSync(join(worktree.path, 'secrets.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(join(worktree.path, 'config', 'deep', 'local.json'), 'utf8')).toBe('{"deep":true}');
    expect(existsSync(join(worktree.path, 'config', 'notes.txt'))).toBe(false);
    expect(existsSync(join(worktree.path, 'config', 'linked'))).toBe(false);
    expect(existsSync(join(worktree.path, '.env.local'))).toBe(false);
    expect(existsSync(join(worktree.path, '..', 'outside.txt'))).toBe(false);
    // The tracked file stays as committed: the checkout's copy is not overwritten.
    expect(readFileSync(join(worktree.path, 'README.md'), 'utf8')).toBe('# r\n');

    const phases = progress.filter((p) => p.state !== 'output').map((p) => `${p.phase}:${p.state}`);
    expect(phases).toEqual(['create:done', 'copy:started', 'copy:done', 'hydrate:started', 'hydrate:skipped', 'script:skipped']);
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: worktree.taskId });
    expect(activity.map((a) => a.kind)).toEqual(['created', 'setup.create.done', 'setup.copy.started', 'setup.copy.done', 'setup.hydrate.started', 'setup.hydrate.skipped', 'setup.script.skipped']);
  });

  it('runs the setup script in the worktree with its output visible as progress', async () => {
    const { core, project } = await projectWithRepo();
    await call(core, 'settings.set', {
      key: 'worktrees.setupScript',
      value: 'echo "setting up $SWITCHYARD_BRANCH"; pwd > where.txt; echo to-stderr 1>&2',
      scope: 'project',
      projectId: project.id,
    });
    const progress = collect(core, 'worktree.progress');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: addTask(core, project.id, 'Scripted').id });
    expect(worktree.setup).toBe('done');
    expect(readFileSync(join(worktree.path, 'where.txt'), 'utf8').trim()).toBe(worktree.path);
    const output = progress.filter((p) => p.state === 'output').map((p) => p.output).join('');
    expect(output).toContain('setting up sy/scripted');
    expect(output).toContain('to-stderr');
    expect(progress.some((p) => p.phase === 'script' && p.state === 'done')).toBe(true);
  });

  it('fails the start with SETUP_FAILED and the script output when the setup script fails, keeping the worktree for inspection', async () => {
    const { core, project } = await projectWithRepo();
    await call(core, 'settings.set', {
      key: 'worktrees.setupScript',
      value: 'echo "installing dependencies"; echo "npm ERR! missing package foo" 1>&2; exit 3',
      scope: 'project',
      projectId: project.id,
    });
    const task = addTask(core, project.id, 'Broken setup');
    const progress = collect(core, 'worktree.progress');
    const error = await fails(core, 'worktrees.create', { taskId: task.id });
    expect(error.code).toBe('SETUP_FAILED');
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('npm ERR! missing package foo');
    expect(error.details).toMatchObject({ phase: 'script', exitCode: 3 });
    expect(String(error.details?.output)).toContain('installing dependencies');
    expect(progress.some((p) => p.phase === 'script' && p.state === 'failed')).toBe(true);

    const worktree = await call<Worktree>(core, 'worktrees.get', { taskId: task.id });
    expect(worktree.setup).toBe('failed');
    expect(existsSync(worktree.path)).toBe(true);
    const activity = await call<WorktreeActivity[]>(core, 'worktrees.activity', { taskId: task.id });
    expect(activity.find((a) => a.kind === 'setup.script.output')?.details?.output).toContain('npm ERR!');

    // Once the script is fixed, preparing the task again sets the same worktree up.
    await call(core, 'settings.set', { key: 'worktrees.setupScript', value: 'true', scope: 'project', projectId: project.id });
    const prepared = await core.worktrees.prepare(task.id);
    expect(prepared.worktree).toMatchObject({ id: worktree.id, setup: 'done' });
  });

  it('calls the dependency hydration hook with the worktree, and a failing hook fails the start', async () => {
    const calls: string[] = [];
    const dataDir = tempDir('switchyard-data-');
    const core = createCore({
      dataDir,
      mode: 'browser',
      log: memoryLogger(),
      hydrate: async (path, project) => {
        calls.push(`${project.name}:${path}`);
        if (path.endsWith('bad')) throw new Error('cache is corrupt');
        writeFileSync(join(path, 'hydrated.txt'), 'yes');
        return 'node_modules from the cache';
      },
    });
    try {
      const repo = makeRepo();
      const project = await core.projects.add(repo);
      const good = await core.worktrees.create({ taskId: addTask(core, project.id, 'good').id });
      expect(readFileSync(join(good.path, 'hydrated.txt'), 'utf8')).toBe('yes');
      expect(calls).toEqual([`${project.name}:${good.path}`]);
      const bad = addTask(core, project.id, 'bad');
      await expect(core.worktrees.create({ taskId: bad.id })).rejects.toMatchObject({ code: 'SETUP_FAILED', details: { phase: 'hydrate' } });
    } finally {
      await core.dispose();
    }
  });
});
