import { describe, expect, it } from 'vitest';
import { NOTIFY_EVENT_KINDS, type SessionState } from '../../shared/contract';
import {
  collect,
  doNotDisturbActive,
  initialNotifyState,
  kindOfStateChange,
  NOTIFY_QUIET_START_MS,
  NOTIFY_REPEAT_WINDOW_MS,
  NOTIFY_SETTLE_MS,
  nextDecision,
  observe,
  type NotifyContext,
  type NotifyPolicyState,
  type NotifySubject,
} from '../../electron/core/notify/notifyPolicy';

/** A core that started long enough ago for its quiet window to be over. */
const START = 1_000_000;
const AFTER_QUIET = START + NOTIFY_QUIET_START_MS;

const subject = (n: number, projectId = 'p1'): NotifySubject => ({
  taskId: `t${n}`,
  taskTitle: `Task ${n}`,
  projectId,
  projectName: projectId === 'p1' ? 'repo' : 'other',
});

const context = (over: Partial<NotifyContext> = {}): NotifyContext => ({
  events: NOTIFY_EVENT_KINDS,
  doNotDisturb: 'off',
  sound: true,
  mutedProject: () => false,
  looking: () => false,
  ...over,
});

/** Feeds sessions' state changes in time order and collects whenever the policy asks to, up to `until`. */
function run(
  steps: { at: number; state: SessionState; n?: number; detail?: string }[],
  until: number,
  ctx: NotifyContext = context(),
  start: NotifyPolicyState = initialNotifyState(START),
) {
  let state = start;
  const previous = new Map<number, SessionState>();
  const shown = [];
  // Wakes up when the policy says, as the service's timer does, up to a moment.
  const wake = (upTo: number) => {
    for (let next = nextDecision(state); next !== null && next <= upTo; next = nextDecision(state)) {
      const result = collect(state, next, ctx);
      state = result.state;
      shown.push(...result.notifications);
    }
  };
  for (const step of [...steps].sort((a, b) => a.at - b.at)) {
    wake(step.at);
    const n = step.n ?? 1;
    state = observe(state, { type: 'state', sessionId: `s${n}`, subject: subject(n), previous: previous.get(n), state: step.state, detail: step.detail, at: step.at });
    previous.set(n, step.state);
    const result = collect(state, step.at, ctx);
    state = result.state;
    shown.push(...result.notifications);
  }
  wake(until);
  return { shown, state };
}

describe('notification policy: which events notify', () => {
  it('needs input, a finished turn and a failure are news; starting, working and exiting are not', () => {
    expect(kindOfStateChange('working', 'needs_input')).toBe('needs_input');
    expect(kindOfStateChange('working', 'idle')).toBe('turn_finished');
    expect(kindOfStateChange('needs_input', 'idle')).toBe('turn_finished');
    expect(kindOfStateChange('working', 'failed')).toBe('failed');
    expect(kindOfStateChange(undefined, 'starting')).toBeNull();
    expect(kindOfStateChange('starting', 'working')).toBeNull();
    // An agent that comes up idle did no turn to finish.
    expect(kindOfStateChange('starting', 'idle')).toBeNull();
    expect(kindOfStateChange('idle', 'exited')).toBeNull();
    expect(kindOfStateChange('needs_input', 'needs_input')).toBeNull();
  });

  it('says who waits, who finished and who failed, with sound and urgency', () => {
    const t = AFTER_QUIET;
    const { shown } = run(
      [
        { at: t, state: 'working', n: 1 },
        { at: t + 10, state: 'needs_input', n: 1, detail: 'Allow Edit?' },
        { at: t, state: 'working', n: 2 },
        { at: t + 20, state: 'idle', n: 2 },
        { at: t, state: 'working', n: 3 },
        { at: t + 30, state: 'failed', n: 3, detail: 'exit code 2' },
      ],
      t + 10_000,
    );
    expect(shown).toEqual([
      { title: 'Task 1 needs your input', body: 'repo: Allow Edit?', taskId: 't1', sound: true, urgent: true },
      { title: 'Task 2 finished', body: 'repo — ready for review', taskId: 't2', sound: true, urgent: false },
      { title: 'Task 3 failed', body: 'repo: exit code 2', taskId: 't3', sound: true, urgent: true },
    ]);
  });

  it('tells a merge conflict and a usage limit reset, which are no session states, without a settle time', () => {
    let state = initialNotifyState(START);
    state = observe(state, { type: 'merge_conflict', subject: subject(4), detail: 'src/a.ts', at: AFTER_QUIET });
    state = observe(state, { type: 'limit_reset', subject: subject(5), at: AFTER_QUIET });
    const { notifications } = collect(state, AFTER_QUIET, context());
    expect(notifications.map((n) => [n.title, n.body, n.urgent])).toEqual([
      ['Task 4 has a merge conflict', 'repo: src/a.ts', true],
      ['Task 5 can go on: its usage limit reset', 'repo', false],
    ]);
  });

  it('keeps quiet about kinds the user turned off', () => {
    const t = AFTER_QUIET;
    const steps = [
      { at: t, state: 'working' as const },
      { at: t + 1, state: 'idle' as const },
      { at: t + 2 * NOTIFY_SETTLE_MS, state: 'working' as const },
      { at: t + 3 * NOTIFY_SETTLE_MS, state: 'needs_input' as const },
    ];
    const { shown } = run(steps, t + 10 * NOTIFY_SETTLE_MS, context({ events: ['needs_input'] }));
    expect(shown.map((n) => n.title)).toEqual(['Task 1 needs your input']);
    expect(run(steps, t + 10 * NOTIFY_SETTLE_MS, context({ events: [] })).shown).toEqual([]);
  });
});

describe('notification policy: debounce', () => {
  it('sums up what arrives in the first seconds after a start in one notification when the quiet window ends', () => {
    const t = START + 100;
    const steps = [
      { at: t, state: 'needs_input' as const, n: 1 },
      { at: t, state: 'needs_input' as const, n: 2 },
      { at: t, state: 'working' as const, n: 3 },
      { at: t + 50, state: 'idle' as const, n: 3 },
    ];
    const during = run(steps, AFTER_QUIET - 1);
    expect(during.shown).toEqual([]);
    expect(nextDecision(during.state)).toBe(AFTER_QUIET);
    const { shown } = run(steps, AFTER_QUIET);
    expect(shown).toEqual([
      {
        title: '2 of 3 agents need you',
        body: 'Task 1 needs your input · Task 2 needs your input · Task 3 finished',
        taskId: null,
        sound: true,
        urgent: true,
      },
    ]);
  });

  it('tells one piece of start-up news on its own, and what comes after the window as usual', () => {
    const { shown } = run(
      [
        { at: START + 10, state: 'needs_input', n: 1 },
        { at: AFTER_QUIET + 5_000, state: 'working', n: 2 },
        { at: AFTER_QUIET + 6_000, state: 'failed', n: 2 },
      ],
      AFTER_QUIET + 20_000,
    );
    expect(shown.map((n) => [n.title, n.taskId])).toEqual([
      ['Task 1 needs your input', 't1'],
      ['Task 2 failed', 't2'],
    ]);
  });

  it('drops start-up news that did not hold until the window ended', () => {
    const { shown } = run(
      [
        { at: START + 10, state: 'needs_input' },
        { at: START + 2_000, state: 'working' },
      ],
      AFTER_QUIET + 20_000,
    );
    expect(shown).toEqual([]);
  });

  it('keeps quiet again after a re-attach', () => {
    const later = AFTER_QUIET + 100_000;
    const reattached = observe(initialNotifyState(START), { type: 'quiet', at: later });
    const steps = [
      { at: later + 10, state: 'needs_input' as const, n: 1 },
      { at: later + 20, state: 'needs_input' as const, n: 2 },
    ];
    expect(run(steps, later + NOTIFY_QUIET_START_MS - 1, context(), reattached).shown).toEqual([]);
    expect(run(steps, later + NOTIFY_QUIET_START_MS, context(), reattached).shown.map((n) => n.title)).toEqual(['2 of 2 agents need you']);
  });

  it('says nothing of a state that does not hold for the settle time', () => {
    const t = AFTER_QUIET;
    const blink = run(
      [
        { at: t, state: 'working' },
        { at: t + 100, state: 'needs_input' },
        { at: t + 100 + NOTIFY_SETTLE_MS - 1, state: 'working' },
      ],
      t + 60_000,
    );
    expect(blink.shown).toEqual([]);
    const held = run(
      [
        { at: t, state: 'working' },
        { at: t + 100, state: 'needs_input' },
      ],
      t + 100 + NOTIFY_SETTLE_MS - 1,
    );
    expect(held.shown).toEqual([]);
    expect(nextDecision(held.state)).toBe(t + 100 + NOTIFY_SETTLE_MS);
  });

  it('notifies once for a session that flips needs_input → working → needs_input within the window', () => {
    const t = AFTER_QUIET;
    const flips = [
      { at: t, state: 'needs_input' as const },
      // Answered after the first notification, asks again: still the same call.
      { at: t + 5_000, state: 'working' as const },
      { at: t + 10_000, state: 'needs_input' as const },
      // Flips faster than the settle time.
      { at: t + 20_000, state: 'working' as const },
      { at: t + 20_300, state: 'needs_input' as const },
    ];
    expect(run(flips, t + NOTIFY_REPEAT_WINDOW_MS - 1).shown.map((n) => n.title)).toEqual(['Task 1 needs your input']);
    // Past the window, a new question is news again.
    const again = [...flips, { at: t + NOTIFY_REPEAT_WINDOW_MS + 1_000, state: 'working' as const }, { at: t + NOTIFY_REPEAT_WINDOW_MS + 2_000, state: 'needs_input' as const }];
    expect(run(again, t + 2 * NOTIFY_REPEAT_WINDOW_MS).shown).toHaveLength(2);
  });
});

describe('notification policy: focus, do not disturb, mute, sound', () => {
  const waits = [
    { at: AFTER_QUIET, state: 'working' as const, n: 1 },
    { at: AFTER_QUIET + 10, state: 'needs_input' as const, n: 1 },
    { at: AFTER_QUIET, state: 'working' as const, n: 2 },
    { at: AFTER_QUIET + 10, state: 'needs_input' as const, n: 2 },
  ];
  const until = AFTER_QUIET + 10_000;

  it('is silent for the task a client shows the user, and only for it', () => {
    const { shown } = run(waits, until, context({ looking: (taskId) => taskId === 't1' }));
    expect(shown.map((n) => n.taskId)).toEqual(['t2']);
  });

  it('says nothing while do-not-disturb is on, always or until a time, and drops what came meanwhile', () => {
    expect(run(waits, until, context({ doNotDisturb: 'always' })).shown).toEqual([]);
    expect(run(waits, until, context({ doNotDisturb: { until: until + 1 } })).shown).toEqual([]);
    expect(run(waits, until, context({ doNotDisturb: { until: AFTER_QUIET } })).shown).toHaveLength(2);
    expect(doNotDisturbActive('off', until)).toBe(false);
    expect(doNotDisturbActive({ until }, until - 1)).toBe(true);
    expect(doNotDisturbActive({ until }, until)).toBe(false);
  });

  it('says nothing about a muted project', () => {
    let state = initialNotifyState(START);
    for (const [n, projectId] of [
      [1, 'p1'],
      [2, 'p2'],
    ] as const) {
      state = observe(state, { type: 'state', sessionId: `s${n}`, subject: subject(n, projectId), previous: 'working', state: 'needs_input', at: AFTER_QUIET });
    }
    const { notifications } = collect(state, AFTER_QUIET + NOTIFY_SETTLE_MS, context({ mutedProject: (id) => id === 'p1' }));
    expect(notifications.map((n) => n.body)).toEqual(['other']);
  });

  it('plays a sound only when the sound setting is on', () => {
    expect(run(waits, until, context({ sound: false })).shown.map((n) => n.sound)).toEqual([false, false]);
    expect(run(waits, until, context({ sound: true })).shown.map((n) => n.sound)).toEqual([true, true]);
  });
});
