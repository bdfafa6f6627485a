import { spawnSync } from 'node:child_process';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { DEPENDENT_NOTES } from '../fixtures/notePlans';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

/** Two runs of the CLI from source on a loaded 2-core machine (ms). */
const TEST_TIMEOUT_MS = 120_000;

/** Runs the CLI from its source, as `switchyard …` would. */
function switchyard(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(appRoot(), 'electron', 'cli.ts'), ...args], { cwd: appRoot(), encoding: 'utf8', timeout: 60_000 });
}

describe('a plan imported from the UI and from the CLI', () => {
  it('lands in Backlog both ways, and switchyard tasks shows that column, saying which task a run can start', async () => {
    const dataDir = tempDir('switchyard-data-');
    const planFile = join(tempDir(), 'notes-plan.md');
    writeFileSync(planFile, `# Plan\n\n${DEPENDENT_NOTES}`);
    // Tried: the import dialog's call (the file's text and name) into one repository ...
    const fromUi = makeRepo();
    const core = makeCore(dataDir);
    const project = await core.projects.add(fromUi);
    const imported = await core.dispatch('plans.import', { projectId: project.id, content: `# Plan\n\n${DEPENDENT_NOTES}`, fileName: 'notes-plan.md' });
    expect(imported.ok).toBe(true);
    await core.dispose();
    // ... and `switchyard import-plan` into another.
    const fromCli = makeRepo();
    const cliImport = switchyard(['import-plan', planFile, '--project', fromCli, '--data-dir', dataDir]);
    expect(cliImport.status, cliImport.stderr).toBe(0);

    const reopened = makeCore(dataDir);
    const statuses = (repo: string) => {
      const project = reopened.projects.list().find((p) => p.path === realpathSync(repo))!;
      return reopened.tasks.list(project.id).map((t) => [t.planKey, t.status]);
    };
    const expected = [
      ['1.1', 'backlog'],
      ['1.2', 'backlog'],
    ];
    expect(statuses(fromUi)).toEqual(expected);
    expect(statuses(fromCli)).toEqual(expected);
    await reopened.dispose();

    const text = switchyard(['tasks', '--project', fromCli, '--data-dir', dataDir]).stdout.trimEnd().split('\n');
    expect(text).toEqual(['backlog     1.1 First note (claude-code)  (can start)', 'backlog     1.2 Second note (claude-code)  ← 1.1']);
  }, TEST_TIMEOUT_MS);
});
