import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const fakeAgent = join(import.meta.dirname, '..', 'fixtures', 'fake-agent.mjs');

/** How long the agent may take to reach its first question (ms). */
const ASK_TIMEOUT_MS = 30_000;

describe("the user's path to an agent's program", () => {
  it('runs the program the setting names before anything on PATH, and says what it looked for when it is gone', async () => {
    chmodSync(fakeAgent, 0o755);
    process.env.CLAUDE_CONFIG_DIR = tempDir('switchyard-claude-');
    process.env.FAKE_AGENT_WORK_MS = '50';
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Note', prompt: 'Write a note' });

    // A program kept outside PATH (a desktop app's PATH is short): the setting names it.
    core.settings.set('agents.claudePath', fakeAgent, 'user');
    const started = await core.dispatch('sessions.start', { taskId: task.id });
    if (!started.ok) throw new Error(started.error.message);
    // It really runs, and it is that program: the agent greets and asks its first question.
    await waitFor('the agent to ask', () => core.tasks.get(task.id).status === 'needs_input', ASK_TIMEOUT_MS);
    const session = started.output as { id: string };
    const screen = await core.transcripts.export(session.id, 'text');
    expect(screen.data).toContain('Welcome to Fake Agent');

    // A program that was there when it was set and is gone since.
    const other = core.tasks.create({ projectId: project.id, title: 'Other', prompt: 'x' });
    const gone = join(tempDir(), 'claude');
    writeFileSync(gone, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    core.settings.set('agents.claudePath', gone, 'user');
    rmSync(gone);
    const refused = await core.dispatch('sessions.start', { taskId: other.id });
    if (refused.ok) throw new Error('started a program that does not exist');
    expect(refused.error.code).toBe('AGENT_NOT_FOUND');
    expect(refused.error.details?.looked).toContain(gone);
  });

  it('is refused when saved unless it names an executable file, and the refusal names the field', async () => {
    const core = makeCore();
    const dir = tempDir();
    const plain = join(dir, 'codex');
    writeFileSync(plain, 'not a program', { mode: 0o644 });
    mkdirSync(join(dir, 'folder'));
    const tried: [string, string, RegExp][] = [
      ['agents.codexPath', join(dir, 'missing'), /^Codex CLI program \(agents\.codexPath\): .*missing does not exist$/],
      ['agents.codexPath', plain, /^Codex CLI program \(agents\.codexPath\): .*codex is not executable$/],
      ['agents.cursorPath', join(dir, 'folder'), /^Cursor CLI program \(agents\.cursorPath\): .*folder is not a file$/],
      ['agents.geminiPath', 'bin/gemini', /^Gemini CLI program \(agents\.geminiPath\): bin\/gemini is not an absolute path/],
    ];
    for (const [key, value, message] of tried) {
      const result = await core.dispatch('settings.set', { key, value, scope: 'user' });
      if (result.ok) throw new Error(`${key} = ${value} was saved`);
      expect(result.error.code, `${key} = ${value}`).toBe('BAD_INPUT');
      expect(result.error.message).toMatch(message);
    }
    // Nothing was stored by the refusals.
    expect(core.settings.value('agents.codexPath')).toBeNull();
    // An executable is taken; an empty value means "look for it" and is taken too.
    chmodSync(plain, 0o755);
    expect((await core.dispatch('settings.set', { key: 'agents.codexPath', value: plain, scope: 'user' })).ok).toBe(true);
    expect((await core.dispatch('settings.set', { key: 'agents.codexPath', value: '', scope: 'user' })).ok).toBe(true);
  });

  it('is a per-user setting with no per-project override', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const result = await core.dispatch('settings.set', { key: 'agents.claudePath', value: '/opt/claude', scope: 'project', projectId: project.id });
    expect(result.ok ? null : result.error.code).toBe('BAD_INPUT');
  });
});
