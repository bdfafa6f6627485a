import { describe, expect, it } from 'vitest';
import { readyWaitLine } from '../../electron/cli/readyWait';

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
});
