import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app';
import type { Session, Task } from '../../shared/contract';
import type { ServerMessage } from '../../shared/protocol';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/**
 * Sessions run to their end in the measured part, and before it to warm up what every session
 * uses once (compiled code, prepared statements, the hook server, the mirror thread).
 */
const SESSIONS = 200;
const WARM_UP_SESSIONS = 60;
/** Tasks whose sessions run at once; each runs its share of the sessions one after another. */
const TASKS = 10;
/**
 * Growth of the main heap (after a full collection) that the finished sessions may leave, about
 * 5 KB a session. Measured on a 2-core machine: 0.3 MB with sessions released, 0.7 MB when they
 * were not (a host session's screen mirror lives in the mirror thread, outside this heap, so the
 * counts are what tell a session kept); anything kept per session beyond a few KB exceeds it.
 */
const HEAP_GROWTH_BOUND_BYTES = 2 ** 20;

/** A full collection, with the flag set at run time when the process was not started with --expose-gc. */
function collectGarbage(): void {
  if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
  const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;
  gc();
  gc();
}

function heapUsedAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A stand-in for Claude Code that exits at once: its launch still gets a hook token and a pty. */
function installShortLivedClaude(core: Core): void {
  const program = join(tempDir('switchyard-bin-'), 'claude');
  writeFileSync(program, '#!/bin/sh\necho "short-lived $$"\nexit 0\n');
  chmodSync(program, 0o755);
  core.settings.set('agents.claudePath', program, 'user');
}

async function hostSessions(core: Core): Promise<number> {
  return (await core.host.send({ type: 'list' })).length;
}

/** Runs `count` sessions to their end, TASKS at a time, each task's one after another. */
async function runToTheirEnd(core: Core, tasks: Task[], count: number): Promise<Session[]> {
  const ended: Session[] = [];
  await Promise.all(
    tasks.map(async (task, i) => {
      for (let n = i; n < count; n += tasks.length) {
        const session = await core.sessions.start(task.id);
        ended.push(await waitFor(`session ${n} to end`, () => {
          const row = core.sessions.get(session.id);
          return row.endedAt !== null && row;
        }));
      }
    }),
  );
  return ended;
}

describe('sessions released when they end', () => {
  it('frees the host session, its mirror and its hook token of each of 200 finished sessions, and the memory they held', async () => {
    const core = makeCore();
    installShortLivedClaude(core);
    const project = await core.projects.add(makeRepo());
    const tasks = Array.from({ length: TASKS }, (_, i) => core.tasks.create({ projectId: project.id, title: `short ${i}`, prompt: 'Say hi' }));

    await runToTheirEnd(core, tasks, WARM_UP_SESSIONS);
    await waitFor('warm-up sessions released', async () => (await hostSessions(core)) === 0);
    const baseline = { hostSessions: await hostSessions(core), hookSessions: core.agents.hookSessionCount(), heapUsed: heapUsedAfterGc() };
    expect(baseline).toMatchObject({ hostSessions: 0, hookSessions: 0 });

    const ended = await runToTheirEnd(core, tasks, SESSIONS);
    expect(ended).toHaveLength(SESSIONS);
    // Each one really ran in its own pty and ended cleanly.
    expect(ended.every((s) => s.exitCode === 0 && s.pid !== null)).toBe(true);
    expect(new Set(ended.map((s) => s.id)).size).toBe(SESSIONS);
    const last = ended.at(-1)!;
    expect((await core.transcripts.export(last.id, 'text')).data).toContain('short-lived');

    await waitFor('every session released', async () => (await hostSessions(core)) === baseline.hostSessions);
    expect(core.agents.hookSessionCount(), 'hook tokens still held').toBe(baseline.hookSessions);
    const growth = heapUsedAfterGc() - baseline.heapUsed;
    expect(growth, `heap grew by ${(growth / 2 ** 20).toFixed(1)} MB over ${SESSIONS} sessions`).toBeLessThan(HEAP_GROWTH_BOUND_BYTES);
  }, 180_000);

  it('keeps a finished session whose pane is open, so a restart continues in it; closing the pane frees it', async () => {
    const core = makeCore();
    installShortLivedClaude(core);
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'watched', prompt: 'Say hi' });
    const messages: ServerMessage[] = [];
    const connection = core.connect((message) => messages.push(message));
    const session = await core.sessions.start(task.id);
    await connection.receive({ kind: 'call', id: 1, method: 'terminal.attach', input: { sessionId: session.id } });
    await waitFor('the end', () => core.sessions.get(session.id).endedAt !== null);
    expect(core.agents.hookSessionCount(), 'the token of an ended session').toBe(0);
    expect(await hostSessions(core), 'the host session of a watched one').toBe(1);

    await core.sessions.relaunch(session.id, false);
    const outputs = () =>
      messages
        .flatMap((m) => (m.kind === 'event' && m.event === 'terminal.data' ? [(m.payload as { data: string }).data] : []))
        .join('');
    await waitFor('both runs in the pane', () => outputs().split('short-lived').length - 1 === 2);
    await waitFor('the second end', () => core.sessions.get(session.id).endedAt !== null);

    await connection.receive({ kind: 'call', id: 2, method: 'terminal.detach', input: { sessionId: session.id } });
    await waitFor('released once unwatched', async () => (await hostSessions(core)) === 0);
    // Shown again later: the screen comes back from the transcript.
    await connection.receive({ kind: 'call', id: 3, method: 'terminal.attach', input: { sessionId: session.id } });
    const reattached = messages.find((m) => m.kind === 'result' && m.id === 3);
    expect(reattached?.kind === 'result' && reattached.ok && (reattached.output as { snapshot: string }).snapshot).toContain('short-lived');
  });
});
