import { describe, expect, it } from 'vitest';
import { sessionMembers } from '../../electron/core/sessions/processGroup';
import { makeHost, shell } from './hostHarness';
import { openFdCount, ourZombies } from '../helpers/processes';
import { waitFor } from '../helpers/waitFor';

/** Sessions started and stopped at once, then again, until TOTAL have run. */
const TOTAL = 1_000;
const AT_ONCE = 20;

describe('session host: churn', () => {
  it(`starts and stops ${TOTAL} sessions and leaves no process, zombie or file descriptor behind`, { timeout: 180_000 }, async () => {
    const { host } = makeHost({ stopGraceMs: 2_000 });
    const launch = shell('sleep 60');
    // Warm up: the first spawn loads node-pty and opens what it keeps open for good.
    await host.send({ type: 'spawn', sessionId: 'warm-up', cols: 80, rows: 24, launch });
    await host.send({ type: 'stop', sessionId: 'warm-up' });
    await host.send({ type: 'release', sessionId: 'warm-up' });
    const fdsBefore = openFdCount();
    let fdsHalfway = 0;
    const pids: number[] = [];
    for (let round = 0; round < TOTAL / AT_ONCE; round++) {
      if (round === TOTAL / AT_ONCE / 2) fdsHalfway = openFdCount();
      await Promise.all(
        Array.from({ length: AT_ONCE }, async (_, i) => {
          const sessionId = `s${round}-${i}`;
          const { pid } = await host.send({ type: 'spawn', sessionId, cols: 80, rows: 24, launch });
          pids.push(pid);
          await host.send({ type: 'stop', sessionId });
          await host.send({ type: 'release', sessionId });
        }),
      );
    }
    expect(pids).toHaveLength(TOTAL);
    expect(await host.send({ type: 'list' })).toEqual([]);
    expect(pids.filter((pid) => sessionMembers(pid).length > 0)).toEqual([]);
    await waitFor('children reaped', () => ourZombies().length === 0);
    // Node and the mirror thread may open a few descriptors once (an epoll, a pipe), never one per
    // session: the second 500 sessions must add none.
    expect(openFdCount() - fdsHalfway).toBeLessThanOrEqual(2);
    expect(openFdCount() - fdsBefore).toBeLessThanOrEqual(12);
  });
});
