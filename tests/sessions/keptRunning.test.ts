import { describe, expect, it } from 'vitest';
import { keptRunningNotification, quitTrayLine } from '../../electron/core/sessions/keptRunning';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

describe('what the tray and the quit notification say of the agents that keep running', () => {
  it('counts the agents that really run, and says what quitting does with them by the setting', async () => {
    const core = makeCore();
    const project = await core.projects.add(makeRepo());
    const started = [];
    for (const title of ['one', 'two', 'three']) {
      const task = core.tasks.create({
        projectId: project.id,
        title,
        prompt: '',
        status: 'ready',
        priority: 'normal',
        phase: null,
        agentKind: 'custom',
        agentOptions: { command: ['/bin/sh', '-c', 'exec sleep 600'], promptDelivery: 'none' },
      });
      started.push(await core.sessions.start(task.id));
    }
    const line = () => quitTrayLine(core.sessions.runningCount(), core.settings.value('sessions.keepRunningOnQuit'));
    // The setting is on by default.
    expect(line()).toBe('3 agents keep running after Quit');
    core.settings.set('sessions.keepRunningOnQuit', false, 'user');
    expect(line()).toBe('Quit stops 3 agents');
    core.settings.set('sessions.keepRunningOnQuit', true, 'user');

    await core.sessions.stop(started[0]!.id);
    await core.sessions.stop(started[1]!.id);
    await waitFor('two agents to end', () => core.sessions.runningCount() === 1);
    expect(line()).toBe('1 agent keeps running after Quit');
    expect(keptRunningNotification('keep', core.sessions.runningCount())).toEqual({
      title: '1 agent keeps running',
      body: 'Switchyard quit and left it working; it is shown again, with its screen, when Switchyard starts (or stop it with switchyard daemon stop --all).',
      taskId: null,
      sound: false,
      urgent: false,
    });

    await core.sessions.stop(started[2]!.id);
    await waitFor('the last agent to end', () => core.sessions.runningCount() === 0);
    // Nothing runs: the tray says nothing of quitting, and quitting notifies nothing.
    expect(line()).toBeNull();
    expect(keptRunningNotification('keep', 0)).toBeNull();
  });

  it('notifies only when quitting keeps agents running', () => {
    expect(keptRunningNotification('stop', 4)).toBeNull();
    expect(keptRunningNotification('keep', 4)).toMatchObject({ title: '4 agents keep running', urgent: false, taskId: null });
    expect(keptRunningNotification('keep', 4)!.body).toContain('they are shown again, with their screens');
  });
});
