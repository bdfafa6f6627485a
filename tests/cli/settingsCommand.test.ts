import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** Each CLI call is a process with a core of its own (ms). */
const TEST_MS = 120_000;

/** A data folder with one project, written by a core that is then closed, as a user would leave it. */
async function oneProject() {
  const dataDir = tempDir('switchyard-data-');
  const repo = makeRepo();
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  await core.projects.add(repo);
  await core.dispose();
  return { dataDir, repo };
}

function cliIn(dataDir: string, cwd: string) {
  return (...args: string[]) => spawnSync(process.execPath, [cli, 'settings', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000, cwd });
}

const valueOf = (result: { stdout: string }) => JSON.parse(result.stdout) as { key: string; value: unknown; source: string; userValue?: unknown; projectValue?: unknown };

describe('switchyard settings', () => {
  it("sets, reads and resets a setting for the user and for a project, and says when the project's own value wins", async () => {
    const { dataDir, repo } = await oneProject();
    const outside = cliIn(dataDir, tempDir());
    const inRepo = cliIn(dataDir, repo);

    const set = outside('set', 'scheduler.maxConcurrent', '5');
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout.trim()).toBe('scheduler.maxConcurrent = 5 for the user');
    expect(valueOf(outside('get', 'scheduler.maxConcurrent', '--json'))).toMatchObject({ value: 5, source: 'user' });

    const forProject = outside('set', 'scheduler.maxConcurrent', '2', '--project', repo);
    expect(forProject.status, forProject.stderr).toBe(0);
    // In the repository, reading takes its project by default: its own value wins.
    expect(valueOf(inRepo('get', 'scheduler.maxConcurrent', '--json'))).toMatchObject({ value: 2, source: 'project', userValue: 5, projectValue: 2 });
    const list = inRepo();
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^scheduler\.maxConcurrent\s+2\s+project$/m);
    expect(list.stdout).toMatch(/^worktrees\.branchPrefix\s+"sy\/"\s+default$/m);

    // The user's value changed from inside the repository: the project's own still wins there, and it is said.
    const shadowed = inRepo('set', 'scheduler.maxConcurrent', '7');
    expect(shadowed.stdout).toContain('scheduler.maxConcurrent = 7 for the user');
    expect(shadowed.stdout).toContain(`note: ${repo.split('/').pop()} sets its own scheduler.maxConcurrent (2), which wins there`);

    const reset = inRepo('reset', 'scheduler.maxConcurrent', '--project', repo);
    expect(reset.status, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('now 7 (from user)');
    expect(valueOf(inRepo('get', 'scheduler.maxConcurrent', '--json'))).toMatchObject({ value: 7, source: 'user' });

    // Text that reads as JSON of another type stays text where the setting takes text; JSON where it takes JSON.
    expect(outside('set', 'worktrees.branchPrefix', '42/').status).toBe(0);
    expect(valueOf(outside('get', 'worktrees.branchPrefix', '--json')).value).toBe('42/');
    expect(outside('set', 'cache.folders', '["npm:node_modules", "cargo:target"]').status).toBe(0);
    expect(valueOf(outside('get', 'cache.folders', '--json')).value).toEqual(['npm:node_modules', 'cargo:target']);
    expect(outside('set', 'sessions.keepRunningOnQuit', 'false').status).toBe(0);
    expect(valueOf(outside('get', 'sessions.keepRunningOnQuit', '--json')).value).toBe(false);
  }, TEST_MS);

  it('refuses a mistyped key (exit 2, naming the near keys), a bad value and a user-only setting per project, and writes nothing', async () => {
    const { dataDir, repo } = await oneProject();
    const outside = cliIn(dataDir, tempDir());
    expect(outside('set', 'scheduler.maxConcurrent', '3').status).toBe(0);

    // Tried: a key with a letter missing.
    const typo = outside('set', 'scheduler.maxConcurent', '4');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('there is no setting "scheduler.maxConcurent": did you mean');
    expect(typo.stderr).toContain('scheduler.maxConcurrent');

    // Tried: a word where a number goes, and a number past the limit.
    for (const bad of ['many', '65']) {
      const refused = outside('set', 'scheduler.maxConcurrent', bad);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^switchyard: .*scheduler\.maxConcurrent: /m);
    }
    // Tried: a folder with no ecosystem before it: the pattern is said.
    const bare = outside('set', 'cache.folders', '["node_modules"]');
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain('cache.folders: an ecosystem (npm, pnpm, yarn, uv, poetry, pip, bundler, cargo), a colon and a relative folder');
    // Tried: a setting only the user has, for one project.
    const userOnly = outside('set', 'sessions.keepRunningOnQuit', 'false', '--project', repo);
    expect(userOnly.status).toBe(1);
    expect(userOnly.stderr).toContain('sessions.keepRunningOnQuit cannot be set per project');
    // Tried: a folder that is no project.
    const noProject = outside('set', 'scheduler.maxConcurrent', '4', '--project', tempDir());
    expect(noProject.status).toBe(1);

    expect(valueOf(outside('get', 'scheduler.maxConcurrent', '--json'))).toMatchObject({ value: 3, source: 'user' });
    expect(valueOf(cliIn(dataDir, repo)('get', 'sessions.keepRunningOnQuit', '--json'))).toMatchObject({ source: 'default' });
  }, TEST_MS);
});
