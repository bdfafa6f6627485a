import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { SHORT_ID_LENGTH } from '../../electron/cli/taskRef';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

/** Runs the CLI from its source, as `switchyard …` would. */
function switchyard(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(appRoot(), 'electron', 'cli.ts'), ...args], { cwd: appRoot(), encoding: 'utf8', timeout: 60_000 });
}

/** Three runs of the CLI from source on a loaded 2-core machine (ms). */
const TEST_TIMEOUT_MS = 120_000;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('switchyard tasks names tasks by keys', () => {
  it('shows a task its plan gave no key by the start of its id, in its row and in its dependents, and takes that key back', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    // Tried: tasks made by hand (no plan key), one waiting for the other.
    const core = makeCore(dataDir);
    const project = await core.projects.add(repo);
    const first = core.tasks.create({ projectId: project.id, title: 'First', prompt: 'one' });
    const second = core.tasks.create({ projectId: project.id, title: 'Second', prompt: 'two' });
    const edge = await core.dispatch('tasks.addDependency', { taskId: second.id, dependsOnId: first.id });
    expect(edge.ok).toBe(true);
    await core.dispose();

    const list = switchyard(['tasks', '--project', repo, '--data-dir', dataDir]);
    expect(list.status, list.stderr).toBe(0);
    const short = (id: string) => id.slice(0, SHORT_ID_LENGTH);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toEqual([`backlog     ${short(first.id)} First (claude-code)  (can start)`, `backlog     ${short(second.id)} Second (claude-code)  ← ${short(first.id)}`]);
    expect(list.stdout).not.toMatch(UUID);

    // The shown key names the task in the other verbs.
    const stop = switchyard(['tasks', 'stop', short(first.id), '--project', repo, '--data-dir', dataDir]);
    expect(stop.stderr.trim()).toBe(`switchyard: SESSION_NOT_RUNNING: ${short(first.id)} (First) has no running agent: start it with switchyard tasks start`);

    // --json keeps the ids, for programs.
    const json = switchyard(['tasks', '--project', repo, '--json', '--data-dir', dataDir]);
    const rows = JSON.parse(json.stdout) as { id: string; key: string | null; dependsOn: string[] }[];
    expect(rows.map((r) => [r.id, r.key, r.dependsOn])).toEqual([
      [first.id, null, []],
      [second.id, null, [first.id]],
    ]);
  }, TEST_TIMEOUT_MS);
});
