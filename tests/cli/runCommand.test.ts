import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** A task whose agent is a shell command: what it prints and how it ends are real. */
const sh = (script: string) => ({ agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', script], promptDelivery: 'none' } });
const commit = (file: string) =>
  sh(`echo ${file} > ${file} && git add ${file} && git -c user.name=agent -c user.email=agent@example.com commit -qm ${file}`);

describe('switchyard run', () => {
  it('runs the ready tasks in dependency order without a window, reports each change, and fails when a task failed', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    const project = await core.projects.add(repo);
    core.settings.set('scheduler.stacking', true, 'project', project.id);
    core.settings.set('scheduler.retries', 0, 'project', project.id);
    const a = core.tasks.create({ projectId: project.id, title: 'First', ...commit('a.txt') });
    const b = core.tasks.create({ projectId: project.id, title: 'Second', ...commit('b.txt') });
    const broken = core.tasks.create({ projectId: project.id, title: 'Broken', ...sh('exit 4') });
    const after = core.tasks.create({ projectId: project.id, title: 'After broken', ...commit('c.txt') });
    core.taskGraph.add({ taskId: b.id, dependsOnId: a.id });
    core.taskGraph.add({ taskId: after.id, dependsOnId: broken.id });
    await core.dispose();

    const result = spawnSync(process.execPath, [cli, 'run', '--project', repo, '--max', '2', '--data-dir', dataDir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const lines = result.stdout.trim().split('\n');
    expect(result.status, result.stderr).toBe(1);
    const order = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(order('First → running')).toBeGreaterThanOrEqual(0);
    expect(order('First → review')).toBeLessThan(order('Second → running'));
    expect(order('Broken → failed')).toBeGreaterThanOrEqual(0);
    expect(order('After broken → running')).toBe(-1);
    expect(lines).toContain('blocked: After broken (needs Broken)');
    // A failed task's line carries its reason: here the exit code of the program that crashed.
    expect(lines.find((l) => l.startsWith('failed: Broken — '))).toMatch(/code 4/);
    expect(lines.at(-1) ?? '').toMatch(/^the run is over: 2 of 4 reached review; 0 done, 2 to review, 1 failed, 1 blocked, 0 need input, 0 running, 1 not started$/);

    // What the run did is kept: the next look at the project shows the same.
    const again = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    try {
      expect(again.tasks.get(b.id).status).toBe('review');
      expect(again.scheduler.status(project.id).active).toBe(false);
    } finally {
      await again.dispose();
    }
  });

  it('refuses a folder that is not a project, in one line', () => {
    const result = spawnSync(process.execPath, [cli, 'run', '--project', makeRepo(), '--data-dir', tempDir()], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not a project/);
  });
});
