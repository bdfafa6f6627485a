import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

// Slow on purpose (about 35 s): it measures a run that waits half a minute for its retries. The
// suite runs it like every other test file; its name says why it takes long.

/** The retry wait: the three attempts of the missing agent are 10 s and 20 s apart (s). */
const BACKOFF_S = 10;
/** How much later than its timer an attempt's failure may be recorded on a busy machine (ms). */
const SEEN_LATE_MS = 250;
const RETRIES = 2;
/**
 * The window the core is measured over (ms); the most CPU it may use in it (ms: a tenth of one
 * core; the same code measured 0.3–2.0 s here within one hour, as the machine's speed changed),
 * and the most times its main thread may wake (a poll every 100 ms would wake it 300 times).
 */
const WINDOW_MS = 30_000;
const CPU_LIMIT_MS = 3_000;
const WAKE_LIMIT = 150;
/** The whole test: the others' work, then the window, on a loaded 2-core machine (ms). */
const TEST_MS = 120_000;

/** How often the main thread has gone to sleep and been woken, from /proc (null where there is none). */
function mainThreadWakeups(): number | null {
  try {
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8');
    return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
  } catch {
    return null;
  }
}

describe('a run waiting half a minute for the retries of an agent that is not installed', () => {
  it('tries it retries + 1 times with the doubling wait, finishes the others, and wakes rarely and spends little CPU in 30 s', async () => {
    installFakeClaude(50);
    const log = memoryLogger();
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log });
    try {
      const project = await core.projects.add(makeRepo());
      core.settings.set('scheduler.retries', RETRIES, 'project', project.id);
      core.settings.set('scheduler.retryBackoff', BACKOFF_S, 'project', project.id);
      core.settings.set('policy.preset', 'all', 'project', project.id);
      // Tried: Codex configured at a path where nothing is installed, first in line.
      // (A path is refused when saved unless a program is there: it is saved while one is, then removed.)
      const codexPath = join(tempDir('switchyard-nothing-'), 'codex');
      writeFileSync(codexPath, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      core.settings.set('agents.codexPath', codexPath, 'user');
      rmSync(codexPath);
      const codex = core.tasks.create({ projectId: project.id, title: 'Codex task', priority: 'urgent', agentKind: 'codex', prompt: 'Add a line' });
      const others = ['One', 'Two'].map((title) => core.tasks.create({ projectId: project.id, title, agentKind: 'claude-code', prompt: `Add ${title}` }));
      const attempts: number[] = [];
      let markBlocked = () => {};
      // Told by the bus, not polled: the look itself must cost nothing in the measured window.
      const blocked = new Promise<void>((resolve) => (markBlocked = resolve));
      core.bus.subscribe(({ event, payload }) => {
        if (event !== 'task.changed' || payload.kind !== 'updated' || payload.task.id !== codex.id || !payload.task.reason) return;
        attempts.push(Date.now());
        if (payload.task.reason.kind === 'blocked') markBlocked();
      });

      core.scheduler.run(project.id);
      await waitFor('the other tasks in review', () => others.every((t) => core.tasks.get(t.id).status === 'review'), TEST_MS);
      expect(core.tasks.get(codex.id).status).toBe('ready');

      // From here only the retries' timer is left: the window takes in the second and third attempts.
      const before = process.cpuUsage();
      const wakeupsBefore = mainThreadWakeups();
      const start = performance.now();
      await blocked;
      // The rest of the window is measured as it is, with nothing left to do: not a wait for a condition.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, WINDOW_MS - (performance.now() - start))));
      const used = process.cpuUsage(before);
      const wakeups = wakeupsBefore === null ? null : mainThreadWakeups()! - wakeupsBefore;
      const cpuMs = (used.user + used.system) / 1000;
      console.log(`CPU of the core over ${((performance.now() - start) / 1000).toFixed(1)} s of waiting: ${cpuMs.toFixed(0)} ms; its main thread woke ${wakeups ?? '?'} times`);
      expect(cpuMs).toBeLessThan(CPU_LIMIT_MS);
      if (wakeups !== null) expect(wakeups).toBeLessThan(WAKE_LIMIT);

      expect(attempts).toHaveLength(RETRIES + 1);
      // An attempt is seen when its failure is recorded, a few milliseconds after its timer fired
      // (how many depends on the machine's load), so the gaps seen may fall short of the wait by that.
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(BACKOFF_S * 1000 - SEEN_LATE_MS);
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(2 * BACKOFF_S * 1000 - SEEN_LATE_MS);
      expect(log.lines.filter((line) => line.includes(`could not start task ${codex.id}`))).toHaveLength(RETRIES + 1);
      expect(core.tasks.get(codex.id)).toMatchObject({ status: 'failed', reason: { kind: 'blocked', code: 'AGENT_NOT_FOUND', attempts: RETRIES + 1 } });
      expect(others.map((t) => core.tasks.get(t.id).status)).toEqual(['review', 'review']);
    } finally {
      await core.dispose();
    }
  }, TEST_MS);
});
