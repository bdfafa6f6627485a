import { describe, expect, it } from 'vitest';
import { readyWaitLine, waitedLines } from '../../electron/cli/readyWait';

describe('readyWaitLine', () => {
  it('says how many ready tasks wait for the app or a run', () => {
    expect(readyWaitLine([{ status: 'ready' }, { status: 'ready' }, { status: 'backlog' }])).toBe(
      '2 tasks ready; they start when the app or `switchyard run` is running',
    );
    expect(readyWaitLine([{ status: 'ready' }, { status: 'done' }])).toBe('1 task ready; it starts when the app or `switchyard run` is running');
  });

  it('says nothing when no task is ready (tried: backlog, running and done tasks)', () => {
    expect(readyWaitLine([{ status: 'backlog' }, { status: 'running' }, { status: 'done' }])).toBeNull();
    expect(readyWaitLine([])).toBeNull();
  });

  it('says since when no app, serve or run has run, when the last one left a record of it', () => {
    const stopped = new Date(2026, 0, 1, 14, 2).getTime();
    expect(readyWaitLine([{ status: 'ready' }], stopped, stopped + 12 * 60_000)).toBe(
      '1 task ready; it starts when the app or `switchyard run` is running (none has run since 14:02, 12 min ago)',
    );
    expect(readyWaitLine([{ status: 'ready' }, { status: 'ready' }], stopped, stopped + 40_000)).toMatch(/they start .* \(none has run since 14:02, 40 s ago\)$/);
    expect(readyWaitLine([{ status: 'ready' }], stopped, stopped + (2 * 60 + 5) * 60_000)).toMatch(/2 h 5 min ago\)$/);
  });
});

describe('waitedLines', () => {
  it('names each task that waited for the app to be back, with its words, and no other (tried: a retrying and a plain task)', () => {
    const waited = { kind: 'waited_for_app' as const, code: 'WAITED_FOR_APP', message: 'waited 12 min for Switchyard to be back; starting now', attempts: 0, retryAt: null };
    const retrying = { kind: 'retrying' as const, code: 'SETUP_FAILED', message: 'boom', attempts: 1, retryAt: 1 };
    expect(waitedLines([{ planKey: '1.2', reason: waited }, { planKey: '1.3', reason: retrying }, { planKey: '1.4', reason: null }])).toEqual([
      '1.2: waited 12 min for Switchyard to be back; starting now',
    ]);
  });
});
