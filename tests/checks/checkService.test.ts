import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { call, collect, fails } from '../worktrees/fixture';

/** A whole turn of the fake agent and a check after it, on a loaded 2-core machine (ms). */
const TURN_TIMEOUT_MS = 30_000;

/** A check command that logs each run and passes while the agent's notes file is there. */
function countingCheck() {
  const log = join(tempDir('switchyard-checks-'), 'runs.log');
  const command = `echo run >> '${log}'; if test -f fake-agent-notes.md; then echo 'notes: ok'; echo '3 passed'; else echo 'no notes file'; exit 1; fi`;
  const runs = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { command, runs };
}

async function finishedTurn(command: string) {
  installFakeClaude(100);
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  core.settings.set('policy.preset', 'all', 'project', project.id);
  core.settings.set('checks.command', command, 'project', project.id);
  const changes = collect(core, 'check.changed');
  const task = core.tasks.create({ projectId: project.id, title: 'Add a note', prompt: 'add a note' });
  await core.sessions.start(task.id);
  const result = await waitFor('the check after the turn', () => changes.find((c) => c.status !== 'running'), TURN_TIMEOUT_MS);
  return { core, project, task, changes, result, worktree: core.worktrees.get(task.id)!.path };
}

describe('the check command', () => {
  it('runs when the agent finishes its turn, and a re-check of the unchanged tree is answered from the cache', async () => {
    const { command, runs } = countingCheck();
    const { core, task, changes, result, worktree } = await finishedTurn(command);
    expect(changes[0]).toMatchObject({ taskId: task.id, status: 'running', cached: false });
    expect(result).toMatchObject({ taskId: task.id, status: 'passed', summary: '3 passed', exitCode: 0, cached: false, command });
    expect(result.output).toBe('notes: ok\n3 passed\n');
    expect(runs()).toBe(1);
    expect(await call<CheckResult>(core, 'checks.get', { taskId: task.id })).toEqual(result);

    // Nothing changed: the same tree, answered at once without running the command.
    const again = await call<CheckResult>(core, 'checks.run', { taskId: task.id });
    expect(again).toMatchObject({ status: 'passed', tree: result.tree, cached: true });
    expect(runs()).toBe(1);

    // An uncommitted change is part of the tree: the command runs again, and fails without the notes file.
    const notes = readFileSync(join(worktree, 'fake-agent-notes.md'));
    rmSync(join(worktree, 'fake-agent-notes.md'));
    const changed = await call<CheckResult>(core, 'checks.run', { taskId: task.id });
    expect(changed).toMatchObject({ status: 'failed', summary: 'exit code 1: no notes file', exitCode: 1, cached: false });
    expect(changed.tree).not.toBe(result.tree);
    expect(runs()).toBe(2);

    // Put back as it was: the first tree again, whose result is known.
    writeFileSync(join(worktree, 'fake-agent-notes.md'), notes);
    expect(await call<CheckResult>(core, 'checks.run', { taskId: task.id })).toMatchObject({ status: 'passed', tree: result.tree, cached: true });
    expect(runs()).toBe(2);
    // An untracked file changes the tree too.
    writeFileSync(join(worktree, 'scratch.txt'), 'new\n');
    expect(await call<CheckResult>(core, 'checks.run', { taskId: task.id })).toMatchObject({ status: 'passed', cached: false });
    expect(runs()).toBe(3);

    // The last check outlives the core: a new one on the same data folder reads it.
    const dataDir = core.dataDir;
    await core.dispose();
    const reopened = makeCore(dataDir);
    expect(await call<CheckResult>(reopened, 'checks.get', { taskId: task.id })).toMatchObject({ status: 'passed', cached: false, tree: expect.any(String) });
  });

  it('says why a failing command failed, with the end of its output', async () => {
    const { core, task, result } = await finishedTurn("printf 'line %s\\n' $(seq 1 3000); echo 'FAIL src/a.test.ts' >&2; exit 3");
    expect(result).toMatchObject({ status: 'failed', exitCode: 3, summary: 'exit code 3: FAIL src/a.test.ts' });
    expect(result.output.endsWith('line 3000\nFAIL src/a.test.ts\n')).toBe(true);
    expect(result.output.length).toBeLessThan(10_000);
    expect(result.output).not.toContain('line 1\n');
    expect((await call<CheckResult>(core, 'checks.get', { taskId: task.id }))?.status).toBe('failed');
  });

  it('without a check command, nothing runs and checks.run says what to set', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'No checks', prompt: '' });
    await core.worktrees.create({ taskId: task.id });
    expect(await call(core, 'checks.get', { taskId: task.id })).toBeNull();
    const refused = await fails(core, 'checks.run', { taskId: task.id });
    expect(refused).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('checks.command') });
  });
});
