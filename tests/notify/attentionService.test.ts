import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnyEvent } from '../../electron/core/events';
import { NOTIFY_QUIET_START_MS, NOTIFY_SETTLE_MS } from '../../electron/core/notify/notifyPolicy';
import type { ServerMessage } from '../../shared/protocol';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';

async function setup() {
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const newTask = (title: string) =>
    core.tasks.create({ projectId: project.id, title, prompt: '', status: 'running', priority: 'normal', phase: null });
  const task = newTask('Parser');
  const events: AnyEvent[] = [];
  core.bus.subscribe((e) => events.push(e));
  const notified = () => events.filter((e) => e.event === 'notify.show').map((e) => e.payload);
  // The core's clock from here on: the test lets time pass instead of waiting for it.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const waits = (sessionId: string, taskId: string, detail?: string) => {
    core.attention.sessionState(sessionId, taskId, { state: 'working', source: 'hook', at: Date.now() });
    core.attention.sessionState(sessionId, taskId, { state: 'needs_input', source: 'hook', at: Date.now(), ...(detail ? { detail } : {}) });
  };
  return { core, project, task, newTask, events, notified, waits };
}

/** Past the quiet window that follows the core's start. */
const pastStartup = () => vi.advanceTimersByTime(NOTIFY_QUIET_START_MS);
const settle = () => vi.advanceTimersByTime(NOTIFY_SETTLE_MS);

afterEach(() => {
  vi.useRealTimers();
});

describe('attention: tray and notifications from session states', () => {
  it('puts a waiting agent in the tray at once and notifies once its state held', async () => {
    const { core, task, project, notified, waits } = await setup();
    pastStartup();
    waits('s1', task.id, 'Allow edit?');
    expect(core.attention.model()).toMatchObject({ status: 'needs_input', badge: 1, counts: { needs_input: 1 } });
    expect(notified()).toEqual([]);
    settle();
    expect(notified()).toEqual([
      { title: 'Parser needs your input', body: `${project.name}: Allow edit?`, taskId: task.id, sound: true, urgent: true },
    ]);
    // Answered, then asked again soon after: the same call is not repeated.
    waits('s1', task.id);
    settle();
    expect(notified()).toHaveLength(1);
  });

  it('sums up the agents that report at start-up in one notification when the quiet window ends', async () => {
    const { core, task, newTask, notified, waits } = await setup();
    waits('s1', task.id);
    waits('s2', newTask('Lexer').id);
    settle();
    expect(notified()).toEqual([]);
    pastStartup();
    expect(notified().map((n) => [n.title, n.taskId])).toEqual([['2 of 2 agents need you', null]]);
    expect(core.attention.model().badge).toBe(2);
  });

  it('is silent for the task one client shows in a focused window, until that client goes away', async () => {
    const { core, task, newTask, notified, waits } = await setup();
    const other = newTask('Lexer');
    const sent: ServerMessage[] = [];
    const looking = core.connect((m) => sent.push(m));
    const elsewhere = core.connect(() => {});
    await looking.receive({ kind: 'call', id: 1, method: 'attention.focus', input: { taskId: task.id, windowFocused: true } });
    await elsewhere.receive({ kind: 'call', id: 1, method: 'attention.focus', input: { taskId: other.id, windowFocused: false } });
    expect(sent.find((m) => m.kind === 'result')).toMatchObject({ ok: true });
    pastStartup();
    waits('s1', task.id);
    waits('s2', other.id);
    settle();
    expect(notified().map((n) => n.taskId)).toEqual([other.id]);
    expect(core.attention.model().badge).toBe(2);

    looking.dispose();
    vi.advanceTimersByTime(60_000);
    waits('s3', newTask('Third').id);
    waits('s1', task.id);
    settle();
    expect(notified().map((n) => n.title)).toEqual(['Lexer needs your input', 'Third needs your input', 'Parser needs your input']);
  });

  it('reads do-not-disturb, the project mute, the kinds and the sound from the settings', async () => {
    const { core, project, newTask, notified, waits } = await setup();
    pastStartup();
    core.settings.set('notify.doNotDisturb', 'always', 'user');
    waits('s1', newTask('During DND').id);
    settle();
    core.settings.set('notify.doNotDisturb', { until: Date.now() + 60_000 }, 'user');
    waits('s2', newTask('Until later').id);
    settle();
    expect(notified()).toEqual([]);

    core.settings.set('notify.doNotDisturb', 'off', 'user');
    core.settings.set('notify.muted', true, 'project', project.id);
    waits('s3', newTask('Muted').id);
    settle();
    expect(notified()).toEqual([]);

    core.settings.reset('notify.muted', 'project', project.id);
    core.settings.set('notify.events', ['failed'], 'user');
    waits('s4', newTask('Not wanted').id);
    settle();
    expect(notified()).toEqual([]);

    core.settings.set('notify.sound', false, 'user');
    const failing = newTask('Broken');
    core.attention.sessionState('s5', failing.id, { state: 'working', source: 'hook', at: Date.now() });
    core.attention.sessionState('s5', failing.id, { state: 'failed', source: 'exit', at: Date.now(), detail: 'exit code 2' });
    settle();
    expect(notified()).toEqual([{ title: 'Broken failed', body: `${project.name}: exit code 2`, taskId: failing.id, sound: false, urgent: true }]);
  });

  it('refuses settings the policy could not read, saying which', async () => {
    const { core } = await setup();
    const tries: [Parameters<typeof core.dispatch>[1], string][] = [
      [{ key: 'notify.doNotDisturb', value: 'sometimes', scope: 'user' }, 'notify.doNotDisturb'],
      [{ key: 'notify.events', value: ['needs_input', 'coffee'], scope: 'user' }, 'notify.events'],
      // Mute is per project: a user-wide mute is do-not-disturb.
      [{ key: 'notify.muted', value: true, scope: 'user' }, 'cannot be set per user'],
    ];
    for (const [input, message] of tries) {
      const result = await core.dispatch('settings.set', input);
      expect(result.ok ? null : [result.error.code, result.error.message]).toEqual(['BAD_INPUT', expect.stringContaining(message)]);
    }
    expect(core.settings.value('notify.doNotDisturb')).toBe('off');
  });

  it('pauses every run from the tray and resumes the same ones', async () => {
    const { core, project } = await setup();
    vi.useRealTimers();
    expect(core.attention.model().run).toBeNull();
    core.scheduler.run(project.id);
    expect(core.attention.model().run).toEqual({ label: 'Pause the run (1 project)', action: 'pause' });
    core.attention.toggleRun();
    expect(core.scheduler.status(project.id).active).toBe(false);
    expect(core.attention.model().run).toEqual({ label: 'Resume the run (1 project)', action: 'resume' });
    core.attention.toggleRun();
    expect(core.scheduler.status(project.id).active).toBe(true);
    expect(core.attention.model().run?.action).toBe('pause');
    await core.scheduler.settled();
  });

  it('drops exited sessions and deleted tasks from the tray', async () => {
    const { core, task, newTask } = await setup();
    core.attention.sessionState('s1', task.id, { state: 'working', source: 'hook', at: 1 });
    core.attention.sessionState('s1', task.id, { state: 'exited', source: 'exit', at: 2 });
    expect(core.attention.model().status).toBe('none');
    const other = newTask('Other');
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
