import { describe, expect, it } from 'vitest';
import type { SettingChange } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';

describe('a change of a setting', () => {
  it('is told on the bus with its key, scope, project and value, when stored and when reset, and not when refused', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const changes: SettingChange[] = [];
    core.bus.subscribe(({ event, payload }) => {
      if (event === 'settings.changed') changes.push(payload);
    });

    const stored = await core.dispatch('settings.set', { key: 'policy.preset', value: 'edits', scope: 'user' });
    expect(stored.ok).toBe(true);
    await core.dispatch('settings.set', { key: 'policy.preset', value: 'all', scope: 'project', projectId: project.id });
    await core.dispatch('settings.reset', { key: 'policy.preset', scope: 'project', projectId: project.id });
    const refused = await core.dispatch('settings.set', { key: 'policy.preset', value: 'nonsense', scope: 'user' });
    expect(refused.ok).toBe(false);

    expect(changes).toEqual([
      { key: 'policy.preset', scope: 'user', projectId: null, value: 'edits' },
      { key: 'policy.preset', scope: 'project', projectId: project.id, value: 'all' },
      { key: 'policy.preset', scope: 'project', projectId: project.id },
    ]);
  });
});
