import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LaunchTask } from '../../electron/core/agents/adapter';
import { createAgentLauncher } from '../../electron/core/agents/launcher';
import type { AgentKind, PolicyPreset } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** A whole turn of the fake agent on a loaded 2-core machine (ms). */
const TURN_TIMEOUT_MS = 30_000;

function binDir(names: string[]): string {
  const dir = tempDir('switchyard-bin-');
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

async function argsOf(kind: AgentKind, permissions: PolicyPreset | undefined, resume = false): Promise<string[]> {
  const launcher = createAgentLauncher({ pathEnv: binDir(['claude', 'codex', 'gemini', 'aider']) });
  const task: LaunchTask = { kind, title: 'T', prompt: 'do it', cwd: '/tmp', ...(permissions ? { permissions } : {}) };
  return (await launcher.resolveLaunch(task, { sessionId: 's1', agentSessionId: resume ? 'c0ffee00-0000-4000-8000-000000000000' : null, resume })).args;
}

describe('a permission preset', () => {
  it('is given to each agent as its own flag, before the prompt or the resume', async () => {
    expect(await argsOf('claude-code', 'all')).toEqual(expect.arrayContaining(['--dangerously-skip-permissions']));
    const edits = await argsOf('claude-code', 'edits');
    expect(edits.slice(edits.indexOf('--permission-mode'), edits.indexOf('--permission-mode') + 2)).toEqual(['--permission-mode', 'acceptEdits']);
    expect(edits.at(-1)).toBe('do it');
    expect(await argsOf('claude-code', 'all', true)).toEqual(expect.arrayContaining(['--resume', '--dangerously-skip-permissions']));

    expect(await argsOf('codex', 'all')).toEqual(['--no-daemon', '--dangerously-bypass-approvals-and-sandbox', 'do it']);
    expect(await argsOf('codex', 'edits')).toEqual(['--no-daemon', '--full-auto', 'do it']);
    expect(await argsOf('codex', 'edits', true)).toEqual(['--no-daemon', '--full-auto', 'resume', 'c0ffee00-0000-4000-8000-000000000000']);

    expect(await argsOf('gemini', 'all')).toEqual(['--yolo', '--prompt-interactive', 'do it']);
    expect(await argsOf('gemini', 'edits'), 'Gemini: no milder flag is mapped').toEqual(['--prompt-interactive', 'do it']);
    expect(await argsOf('aider', 'all'), 'Aider: nothing is mapped').toEqual([]);
  });

  it('"ask" (the default) adds no flag', async () => {
    const flags = ['--dangerously-skip-permissions', '--permission-mode', '--full-auto', '--dangerously-bypass-approvals-and-sandbox', '--yolo'];
    for (const kind of ['claude-code', 'codex', 'gemini'] as const) {
      for (const preset of ['ask', undefined] as const) {
        expect((await argsOf(kind, preset)).filter((a) => flags.includes(a)), `${kind} ${preset}`).toEqual([]);
      }
    }
  });

  it('"allow edits" of a project reaches the agent: it edits without asking and asks before running a command', async () => {
    installFakeClaude(100);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('policy.preset', 'edits', 'project', project.id);
    const task = core.tasks.create({ projectId: project.id, title: 'Add a note', prompt: 'add a note' });
    const session = await core.sessions.start(task.id);
    const asked = await waitFor(
      'a question',
      () => core.sessions.history(session.id).find((c) => c.state === 'needs_input' && c.source === 'hook'),
      TURN_TIMEOUT_MS,
    );
    expect(asked.detail).toBe('permission to use Bash');
    expect(gitIn(core.worktrees.get(task.id)!.path, ['status', '--porcelain'])).toBe('?? fake-agent-notes.md');
  });

  it('"allow all" of the user reaches the agent: it asks nothing and finishes', async () => {
    installFakeClaude(100);
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('policy.preset', 'all', 'user');
    const task = core.tasks.create({ projectId: project.id, title: 'Add a note', prompt: 'add a note' });
    const session = await core.sessions.start(task.id);
    await waitFor('the task in review', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);
    expect(core.sessions.history(session.id).map((c) => c.state)).not.toContain('needs_input');
    expect(gitIn(core.worktrees.get(task.id)!.path, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
  });
});
