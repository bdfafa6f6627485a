import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conflictPrompt } from '../../electron/core/worktrees/conflictHelp';
import type { Worktree } from '../../shared/contract';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { addTask, call, fails, projectWithRepo } from './fixture';

/** An agent's turn and a merge on a busy 2-core machine (ms). */
const TURN_MS = 30_000;

function commitIn(dir: string, files: Record<string, string>, message: string) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  gitIn(dir, ['add', '-A']);
  gitIn(dir, ['commit', '-q', '-m', message]);
}

/** A task whose agent (the fake Claude Code) finished its turn, and whose branch and base then changed the same line. */
async function conflictingTask() {
  installFakeClaude(50);
  const setup = await projectWithRepo();
  const { core, project, repo } = setup;
  // Every question answered by the agent's own flag: its turns end without anyone at the keyboard.
  core.settings.set('policy.preset', 'all', 'project', project.id);
  const task = core.tasks.create({ projectId: project.id, title: 'Change line two', prompt: 'note the plan', status: 'ready', priority: 'normal', phase: null });
  const session = await core.sessions.start(task.id);
  await waitFor('the first turn done', () => core.tasks.get(task.id).status === 'review', TURN_MS);
  const worktree = (await call<Worktree>(core, 'worktrees.get', { taskId: task.id }))!;
  commitIn(worktree.path, { 'app.txt': 'line 1\nline 2 of the task\nline 3\n' }, 'task edit');
  commitIn(repo, { 'app.txt': 'line 1\nline 2 of the base\nline 3\n' }, 'base edit');
  return { ...setup, task, session, worktree };
}

const mergeInProgress = (dir: string) => existsSync(join(gitIn(dir, ['rev-parse', '--absolute-git-dir']), 'MERGE_HEAD'));

describe('conflict help', () => {
  it("merges the base into a conflicting branch in its worktree and types the files into the task's running agent, which resolves them", async () => {
    const { core, task, session, worktree, repo } = await conflictingTask();
    expect((await fails(core, 'review.merge', { taskId: task.id, strategy: 'merge' })).details).toEqual({ files: ['app.txt'] });

    const asked = await call<{ files: string[]; prompt: string; sessionId: string; resumed: boolean }>(core, 'review.askAgentToResolve', { taskId: task.id });
    expect(asked).toMatchObject({ files: ['app.txt'], sessionId: session.id, resumed: false });
    expect(asked.prompt).toBe(
      `Merging main into ${worktree.branch} conflicts in app.txt. Resolve the conflicts in these files (keep what both sides meant and remove the conflict markers), then git add them and git commit to conclude the merge.`,
    );
    // The agent got it as a prompt of its own, and concluded the merge in its worktree.
    await waitFor('the agent to conclude the merge', () => !mergeInProgress(worktree.path), TURN_MS);
    expect(readFileSync(join(worktree.path, 'fake-agent-notes.md'), 'utf8')).toContain(`- ${asked.prompt}\n`);
    expect(readFileSync(join(worktree.path, 'app.txt'), 'utf8')).toBe('line 1\nline 2 of the task\nline 2 of the base\nline 3\n');
    expect(gitIn(worktree.path, ['log', '-1', '--format=%P']).split(' ')).toHaveLength(2);

    // Now the branch merges into the base with no conflict.
    await waitFor('the turn to end', () => core.tasks.get(task.id).status === 'review', TURN_MS);
    expect(await call(core, 'review.merge', { taskId: task.id, strategy: 'merge' })).toMatchObject({ merged: true });
    expect(readFileSync(join(repo, 'app.txt'), 'utf8')).toBe('line 1\nline 2 of the task\nline 2 of the base\nline 3\n');
  }, 120_000);

  it('resumes an agent that is not running with the prompt, in the same session', async () => {
    const { core, task, session, worktree } = await conflictingTask();
    await core.sessions.stop(session.id);
    await waitFor('the agent to stop', () => core.sessions.get(session.id).endedAt !== null, TURN_MS);
    const asked = await call<{ files: string[]; sessionId: string; resumed: boolean }>(core, 'review.askAgentToResolve', { taskId: task.id });
    expect(asked).toMatchObject({ files: ['app.txt'], sessionId: session.id, resumed: true });
    await waitFor('the resumed agent to conclude the merge', () => !mergeInProgress(worktree.path), TURN_MS);
    expect(readFileSync(join(worktree.path, 'fake-agent-notes.md'), 'utf8')).toContain('conflicts in app.txt');
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
  }, 120_000);

  it('concludes a merge whose conflicts were resolved and staged but not committed, asking no one', async () => {
    const { core, task, session, worktree } = await conflictingTask();
    await core.sessions.stop(session.id);
    await waitFor('the agent to stop', () => core.sessions.get(session.id).endedAt !== null, TURN_MS);
    // Tried: someone merged the base by hand in the worktree, fixed the file and staged it, and stopped there.
    expect(() => gitIn(worktree.path, ['merge', '--no-edit', '-q', 'main'])).toThrow();
    writeFileSync(join(worktree.path, 'app.txt'), 'line 1\nline 2 of both\nline 3\n');
    gitIn(worktree.path, ['add', 'app.txt']);
    expect(mergeInProgress(worktree.path)).toBe(true);
    const asked = await call<{ files: string[]; prompt: string | null; resumed: boolean }>(core, 'review.askAgentToResolve', { taskId: task.id });
    expect(asked).toMatchObject({ files: [], prompt: null, resumed: false });
    expect(mergeInProgress(worktree.path)).toBe(false);
    expect(gitIn(worktree.path, ['log', '-1', '--format=%P']).split(' ')).toHaveLength(2);
    expect(gitIn(worktree.path, ['status', '--porcelain'])).toBe('');
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
  }, 120_000);

  it('types no control character of a file name into the agent', () => {
    // Tried: a file named with a carriage return and the end of a bracketed paste, which typed would be keys.
    const prompt = conflictPrompt({ branch: 'sy/t', baseBranch: 'main' }, ['a\rb.txt', 'c\u001b[201~d.txt']);
    expect(prompt).toContain('conflicts in a?b.txt, c?[201~d.txt.');
    expect([...prompt].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
  });

  it('refuses while the agent waits for an answer to its question, touching nothing', async () => {
    installFakeClaude(50);
    const { core, project, repo } = await projectWithRepo();
    // No preset: the agent's first edit is a question that waits for someone.
    const task = core.tasks.create({ projectId: project.id, title: 'Asks first', prompt: 'note the plan', status: 'ready', priority: 'normal', phase: null });
    const session = await core.sessions.start(task.id);
    await waitFor('the question', () => core.sessions.get(session.id).state === 'needs_input', TURN_MS);
    const worktree = (await call<Worktree>(core, 'worktrees.get', { taskId: task.id }))!;
    commitIn(worktree.path, { 'app.txt': 'task\n' }, 'task edit');
    commitIn(repo, { 'app.txt': 'base\n' }, 'base edit');
    const refused = await fails(core, 'review.askAgentToResolve', { taskId: task.id });
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.message).toBe('the agent of task "Asks first" waits for an answer to its question: answer it first, then ask again');
    expect(mergeInProgress(worktree.path)).toBe(false);
    await core.sessions.stop(session.id);
  }, 120_000);

  it('refuses a task that never ran an agent, touching nothing; bad input is BAD_INPUT', async () => {
    const { core, project, repo } = await projectWithRepo();
    const task = addTask(core, project.id, 'Never started');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    commitIn(worktree.path, { 'app.txt': 'task\n' }, 'task edit');
    commitIn(repo, { 'app.txt': 'base\n' }, 'base edit');
    const refused = await fails(core, 'review.askAgentToResolve', { taskId: task.id });
    expect(refused.code).toBe('SESSION_NOT_RUNNING');
    expect(refused.message).toContain('open its worktree in your editor');
    expect(mergeInProgress(worktree.path)).toBe(false);
    expect((await fails(core, 'review.askAgentToResolve', { taskId: 42 })).code).toBe('BAD_INPUT');
    expect((await fails(core, 'review.openInEditor', { taskId: task.id, extra: 1 })).code).toBe('BAD_INPUT');
  });

  it('opens the worktree in the editor the settings name, with the folder as its argument; a missing editor is EDITOR_NOT_FOUND', async () => {
    const { core, project } = await projectWithRepo();
    const task = addTask(core, project.id, 'Edit by hand');
    const worktree = await call<Worktree>(core, 'worktrees.create', { taskId: task.id });
    // An editor that writes down what it was given, and where.
    const bin = tempDir('switchyard-editor-');
    const seen = join(bin, 'seen.txt');
    const editor = join(bin, 'my editor');
    writeFileSync(editor, `#!/bin/sh\nprintf '%s|%s|%s' "$#" "$1" "$PWD" > '${seen}'\n`, { mode: 0o755 });
    core.settings.set('worktrees.editor', editor, 'user');
    expect(await call(core, 'review.openInEditor', { taskId: task.id })).toEqual({ editor, path: worktree.path });
    await waitFor('the editor to start', () => existsSync(seen) && readFileSync(seen, 'utf8') !== '');
    expect(readFileSync(seen, 'utf8')).toBe(`1|${worktree.path}|${worktree.path}`);

    core.settings.set('worktrees.editor', 'no-such-editor-anywhere', 'project', project.id);
    const missing = await fails(core, 'review.openInEditor', { taskId: task.id });
    expect(missing.code).toBe('EDITOR_NOT_FOUND');
    expect(missing.message).toContain('"no-such-editor-anywhere" is not installed or not on PATH');
  });
});
