import { describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app';
import { POLICY_ACTIVITY_KIND } from '../../electron/core/policy/policyService';
import { coreWithFakeAgentTask } from '../helpers/core';
import { gitIn } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

/** Each "thinking" phase of the fake agent (ms). */
const WORK_MS = 100;
/** A whole turn of the fake agent on a loaded 2-core machine (ms). */
const TURN_TIMEOUT_MS = 30_000;

/** A project, one task, and every keystroke that reaches any session (there must be none). */
const setUp = () => coreWithFakeAgentTask(WORK_MS);

const answers = (core: Core, taskId: string) =>
  core.worktrees.activity(taskId).filter((a) => a.kind === POLICY_ACTIVITY_KIND);

describe('a permission request through the Claude Code hook', () => {
  it('is allowed by the project’s rules: the agent goes on without a keystroke and the rule is in the activity', async () => {
    const { core, project, task, typed } = await setUp();
    core.settings.set('policy.allow', ['Edit', 'Bash(git add *)', 'Bash(git commit *)'], 'project', project.id);
    const session = await core.sessions.start(task.id);
    await waitFor('the task in review', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);

    const worktree = core.worktrees.get(task.id)!;
    expect(gitIn(worktree.path, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
    expect(typed).toEqual([]);
    expect(core.sessions.history(session.id).map((c) => c.state)).not.toContain('needs_input');
    expect(answers(core, task.id).map((a) => [a.message, a.details])).toEqual([
      [
        `Allowed Edit "${worktree.path}/fake-agent-notes.md" by the rule Edit (project setting)`,
        { decision: 'allow', rule: 'Edit', scope: 'project', tool: 'Edit', sessionId: session.id },
      ],
      [
        'Allowed Bash "git add fake-agent-notes.md && git commit -m "Note: add a note"" by the rule Bash(git add *), Bash(git commit *) (project setting)',
        { decision: 'allow', rule: 'Bash(git add *), Bash(git commit *)', scope: 'project', tool: 'Bash', sessionId: session.id },
      ],
    ]);
  });

  it('is refused by a deny rule of the user: the agent is told, does not run the command, and the refusal is logged', async () => {
    const { core, task, typed } = await setUp();
    core.settings.set('policy.allow', ['Edit', 'Bash'], 'user');
    core.settings.set('policy.deny', ['Bash(git commit*)', 'Bash(rm -rf*)'], 'user');
    const session = await core.sessions.start(task.id);
    await waitFor('the task in review', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);

    const worktree = core.worktrees.get(task.id)!;
    expect(gitIn(worktree.path, ['log', '-1', '--format=%s']), 'nothing committed').toBe('initial');
    expect(gitIn(worktree.path, ['status', '--porcelain']), 'the edit was made').toBe('?? fake-agent-notes.md');
    const screen = (await core.transcripts.export(session.id, 'text')).data;
    expect(screen).toContain('Bash denied by a PermissionRequest hook: Refused by the rule Bash(git commit*).');
    expect(typed).toEqual([]);
    expect(answers(core, task.id).map((a) => a.details?.decision)).toEqual(['allow', 'deny']);
    expect(answers(core, task.id)[1]?.message).toMatch(/^Refused Bash ".*" by the rule Bash\(git commit\*\) \(user setting\)$/);
  });

  it('that no rule decides is asked: the agent shows its own question and waits for the user', async () => {
    const { core, task } = await setUp();
    core.settings.set('policy.allow', ['Read'], 'user');
    const session = await core.sessions.start(task.id);
    const asked = await waitFor(
      'the question',
      () => core.sessions.history(session.id).find((c) => c.state === 'needs_input' && c.source === 'hook'),
      TURN_TIMEOUT_MS,
    );
    expect(asked.detail).toBe('permission to use Edit');
    expect(answers(core, task.id)).toEqual([]);
    await core.sessions.input(session.id, '1');
    await waitFor(
      'the next question',
      () => core.sessions.history(session.id).filter((c) => c.state === 'needs_input' && c.source === 'hook').length === 2,
      TURN_TIMEOUT_MS,
    );
  });
});
