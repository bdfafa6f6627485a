import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../electron/core/events';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';

async function setup() {
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const task = core.tasks.create({ projectId: project.id, title: 'Parser', prompt: '', status: 'running', priority: 'normal', phase: null });
  const events: AnyEvent[] = [];
  core.bus.subscribe((e) => events.push(e));
  const notified = () => events.filter((e) => e.event === 'attention.notify').map((e) => e.payload);
  return { core, project, task, events, notified };
}

describe('attention: tray and notifications from session states', () => {
  it('puts a waiting agent in the tray and notifies once', async () => {
    const { core, task, project, notified } = await setup();
    core.attention.sessionState('s1', task.id, { state: 'working', source: 'hook', at: 1 });
    core.attention.sessionState('s1', task.id, { state: 'needs_input', source: 'hook', at: 2, detail: 'Allow edit?' });
    expect(core.attention.model()).toMatchObject({ status: 'needs_input', badge: 1 });
    expect(notified()).toEqual([{ title: 'Parser needs your input', body: `${project.name}: Allow edit?`, taskId: task.id, urgent: true }]);
    // The same news again within the throttle window is not repeated.
    core.attention.sessionState('s1', task.id, { state: 'working', source: 'hook', at: 3 });
    core.attention.sessionState('s1', task.id, { state: 'needs_input', source: 'hook', at: 4 });
    expect(notified()).toHaveLength(1);
  });

  it('does not notify about the task the user is looking at, but still updates the tray', async () => {
    const { core, task, notified } = await setup();
    const result = await core.dispatch('attention.focus', { taskId: task.id, windowFocused: true });
    expect(result.ok).toBe(true);
    core.attention.sessionState('s1', task.id, { state: 'working', source: 'hook', at: 1 });
    core.attention.sessionState('s1', task.id, { state: 'failed', source: 'exit', at: 2 });
    expect(notified()).toEqual([]);
    expect(core.attention.model().status).toBe('failed');
  });

  it('drops exited sessions and deleted tasks from the tray', async () => {
    const { core, task, project } = await setup();
    core.attention.sessionState('s1', task.id, { state: 'working', source: 'hook', at: 1 });
    core.attention.sessionState('s1', task.id, { state: 'exited', source: 'exit', at: 2 });
    expect(core.attention.model().status).toBe('none');
    const other = core.tasks.create({ projectId: project.id, title: 'Other', prompt: '', status: 'running', priority: 'normal', phase: null });
    core.attention.sessionState('s2', other.id, { state: 'working', source: 'title', at: 3 });
    expect((await core.dispatch('attention.get', {})).ok).toBe(true);
    core.tasks.delete(other.id);
    expect(core.attention.model().items).toEqual([]);
  });

  it('refuses a malformed focus report', async () => {
    const { core } = await setup();
    const result = await core.dispatch('attention.focus', { taskId: 5, windowFocused: 'yes' });
    expect(result.ok ? null : result.error.code).toBe('BAD_INPUT');
  });
});
