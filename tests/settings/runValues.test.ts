import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../shared/errors';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

describe('values a run holds for its project', () => {
  it('win over the stored ones while held, say they come from the run, are never stored, and go when released', async () => {
    const dataDir = tempDir('switchyard-data-');
    const core = makeCore(dataDir);
    const project = await core.projects.add(makeRepo());
    const other = await core.projects.add(makeRepo());
    core.settings.set('policy.preset', 'edits', 'project', project.id);

    const hold = core.settings.holdForRun(project.id, { 'policy.preset': 'all', 'scheduler.stacking': true });
    expect(core.settings.list(project.id).find((s) => s.key === 'policy.preset')).toMatchObject({ value: 'all', source: 'run', projectValue: 'edits' });
    expect(core.settings.value('scheduler.stacking', project.id)).toBe(true);
    // Only that project, and not the user's values read without one.
    expect(core.settings.value('scheduler.stacking', other.id)).toBe(false);
    expect(core.settings.value('policy.preset')).toBe('ask');

    // Nothing was written: another core on the same database sees the stored values.
    const second = makeCore(dataDir);
    expect(second.settings.value('policy.preset', project.id)).toBe('edits');
    expect(second.settings.value('scheduler.stacking', project.id)).toBe(false);

    await hold.dispose();
    expect(core.settings.list(project.id).find((s) => s.key === 'policy.preset')).toMatchObject({ value: 'edits', source: 'project' });
  });

  it('replace the configured rules in the policy: a run that answers nothing leaves every question to the user', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    core.settings.set('policy.allow', ['Edit', 'Bash(npm test*)'], 'user');
    core.settings.set('policy.deny', ['Bash(rm -rf*)'], 'project', project.id);
    expect(core.policy.policyFor(project.id)).toMatchObject({ user: { allow: ['Edit', 'Bash(npm test*)'] }, project: { deny: ['Bash(rm -rf*)'] } });

    const hold = core.settings.holdForRun(project.id, { 'policy.preset': 'ask', 'policy.allow': [], 'policy.deny': [], 'policy.ask': [] });
    expect(core.policy.policyFor(project.id)).toEqual({ project: null, user: { allow: [], deny: [], ask: [] }, preset: 'ask' });
    await hold.dispose();
    expect(core.policy.policyFor(project.id).project).toMatchObject({ deny: ['Bash(rm -rf*)'] });
  });

  it('refuses a value its schema refuses, and a setting that has no per-project value, holding nothing', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    // Tried: a preset that does not exist, and a user-only setting.
    const refused = (values: Parameters<typeof core.settings.holdForRun>[1]) => {
      try {
        core.settings.holdForRun(project.id, values);
      } catch (error) {
        return error;
      }
      return null;
    };
    expect(refused({ 'policy.preset': 'everything' as 'all' })).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^policy\.preset: /) });
    expect(refused({ 'agents.codexPath': '/bin/true' })).toBeInstanceOf(SwitchyardError);
    expect(core.settings.list(project.id).every((s) => s.source !== 'run')).toBe(true);
  });
});
