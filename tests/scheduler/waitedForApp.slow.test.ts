import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteAccess } from '../../electron/cli/coreAccess';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { readCoreAlive } from '../../electron/core/scheduler/coreAbsence';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import { connectControl } from '../../electron/server/controlSocket';
import type { Task } from '../../shared/contract';
import { cliJson, runCli, serveCli } from '../helpers/cli';
import { makeRepo } from '../helpers/gitRepo';
import { isRunning } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** Two cores, an agent kept running between them, and a task that waits: slow on a loaded machine (ms). */
const TEST_MS = 120_000;

const dataDirs: string[] = [];
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  for (const dataDir of dataDirs.splice(0)) await stopHost(dataDir, { all: true }).catch(() => null);
}, 60_000);

/** A task whose agent is a shell command: what it prints and how it ends are real. */
const sh = (script: string) => ({ agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', script], promptDelivery: 'none' } });

/**
 * A project that runs one agent at a time: `Holder` works until the flag file exists, `Next`
 * (ready behind it) commits a file.
 */
async function project() {
  const dataDir = tempDir('switchyard-data-');
  dataDirs.push(dataDir);
  const repo = makeRepo();
  const flag = join(tempDir(), 'go');
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  try {
    const p = await core.projects.add(repo);
    core.settings.set('scheduler.maxConcurrent', 1, 'project', p.id);
    const holder = core.tasks.create({ projectId: p.id, title: 'Holder', ...sh(`while [ ! -e '${flag}' ]; do sleep 0.1; done`) });
    const next = core.tasks.create({
      projectId: p.id,
      title: 'Next',
      ...sh('echo n > n.txt && git add n.txt && git -c user.name=agent -c user.email=agent@example.com commit -qm n'),
    });
    return { dataDir, repo, flag, projectId: p.id, holder, next };
  } finally {
    await core.dispose();
  }
}

/** A core of this process whose agents live in the data folder's session host (as the app's do). */
function processCore(dataDir: string): Core {
  const core = createCore({ dataDir, mode: 'browser', sessionHost: 'process', log: memoryLogger() });
  cores.push(core);
  return core;
}

/**
 * The first core runs the project with `Holder` holding its one slot and `Next` ready behind it,
 * then quits keeping Holder's agent running (what "keep running" in the quit prompt does).
 */
async function quitKeepingHolder(dataDir: string, projectId: string, holder: Task, next: Task): Promise<number> {
  const first = processCore(dataDir);
  await first.ready;
  first.scheduler.run(projectId);
  await waitFor('Holder running and Next ready', () => first.tasks.get(holder.id).status === 'running' && first.tasks.get(next.id).status === 'ready');
  const holderPid = first.sessions.live(projectId)[0]!.pid!;
  first.setQuitChoice('keep');
  await first.dispose();
  cores.splice(cores.indexOf(first), 1);
  return holderPid;
}

const WAITED = /^waited (\d+) s for Switchyard to be back; it starts when fewer agents run$/;

describe('a task that could have started while no core ran', () => {
  it('says how long it waited once a core is back, with the time the last one stopped, and loses the reason when it starts', async () => {
    const { dataDir, flag, projectId, holder, next } = await project();
    // Tried: the first core quits keeping its agent running, with Next ready behind it (one agent at a time).
    const holderPid = await quitKeepingHolder(dataDir, projectId, holder, next);
    const stoppedAt = readCoreAlive(dataDir)!.stoppedAt!;
    expect(stoppedAt).toEqual(expect.any(Number));
    expect(isRunning(holderPid)).toBe(true);
    // Nothing runs for a while: the wait is at least this long.
    await new Promise((r) => setTimeout(r, 1_200));

    const second = processCore(dataDir);
    const changes: Task[] = [];
    second.bus.subscribe(({ event, payload }) => {
      if (event === 'task.changed' && payload.kind !== 'deleted' && payload.task.id === next.id) changes.push(payload.task);
    });
    await second.ready;
    await waitFor('Next to say it waited', () => second.tasks.get(next.id).reason?.kind === 'waited_for_app');
    const reason = second.tasks.get(next.id).reason!;
    expect(reason).toMatchObject({ kind: 'waited_for_app', code: 'WAITED_FOR_APP', attempts: 0, retryAt: null });
    const seconds = Number(WAITED.exec(reason.message)?.[1]);
    expect(reason.message).toMatch(WAITED);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds * 1000).toBeLessThanOrEqual(Date.now() - stoppedAt + 1_000);
    // The agent kept running holds the one slot: Next is still in Ready, and says why it waited.
    expect(second.tasks.get(holder.id).status).toBe('running');
    expect(second.tasks.get(next.id).status).toBe('ready');

    // Its project's run paused, nothing waits to be started: the reason goes; the run on again, it is not told twice.
    second.scheduler.pause(projectId);
    expect(second.tasks.get(next.id)).toMatchObject({ status: 'ready', reason: null });
    second.scheduler.run(projectId);
    await second.scheduler.settled();
    expect(second.tasks.get(next.id).reason).toBeNull();

    // The slot frees: Next starts, and its reason goes with the move.
    writeFileSync(flag, '');
    await waitFor('Next to start', () => ['running', 'review'].includes(second.tasks.get(next.id).status), { timeoutMs: 60_000 });
    expect(second.tasks.get(next.id).reason).toBeNull();
    const started = changes.findIndex((t) => t.status === 'running');
    expect(changes.slice(0, started).some((t) => t.reason?.kind === 'waited_for_app')).toBe(true);
    expect(changes[started]!.reason).toBeNull();
    second.setQuitChoice('stop');
  }, TEST_MS);

  it('one that can start at once says so as it starts: the reason is recorded, then gone with the move to Running', async () => {
    const { dataDir, flag, projectId, holder, next } = await project();
    const holderPid = await quitKeepingHolder(dataDir, projectId, holder, next);
    // Tried: the agent kept running ends while no core runs, so that the slot is free when one is back.
    writeFileSync(flag, '');
    await waitFor('Holder to end with no core running', () => !isRunning(holderPid));
    await new Promise((r) => setTimeout(r, 1_000));

    const second = processCore(dataDir);
    const changes: Task[] = [];
    second.bus.subscribe(({ event, payload }) => {
      if (event === 'task.changed' && payload.kind !== 'deleted' && payload.task.id === next.id) changes.push(payload.task);
    });
    await second.ready;
    await waitFor('Next to start', () => changes.some((t) => t.status === 'running'), { timeoutMs: 60_000 });
    const started = changes.findIndex((t) => t.status === 'running');
    // The last word before the move: it waited, and starts now.
    const told = changes.slice(0, started).findLast((t) => t.reason?.kind === 'waited_for_app');
    expect(told?.status).toBe('ready');
    expect(told?.reason?.message).toMatch(/^waited \d+ s for Switchyard to be back; starting now$/);
    expect(changes[started]!.reason).toBeNull();
    second.setQuitChoice('stop');
  }, TEST_MS);

  it('after a serve was killed, the next serve measures the wait from the last time its scheduler ran, and `switchyard tasks` says so', async () => {
    const { dataDir, repo, flag, projectId, next } = await project();
    const served = await serveCli(dataDir);
    const remote = await connectControl(dataDir);
    const access = remoteAccess(remote!);
    await access.call('scheduler.run', { projectId });
    await access.close();
    const rows = () => cliJson<{ id: string; status: string; reason: Task['reason'] }[]>(['tasks', '--data-dir', dataDir], repo);
    await waitFor('Holder running and Next ready', () => rows().map((r) => r.status).join() === 'running,ready', { timeoutMs: 60_000 });
    const alive = readCoreAlive(dataDir)!;
    expect(alive.stoppedAt).toBeNull();

    // Tried: a crash — nothing is recorded at the end, only the passes and beats before it.
    served.child.kill('SIGKILL');
    await new Promise((resolve) => served.child.once('exit', resolve));
    const lastAlive = readCoreAlive(dataDir)!;
    expect(lastAlive).toMatchObject({ pid: served.child.pid, stoppedAt: null });
    await new Promise((r) => setTimeout(r, 1_200));

    await serveCli(dataDir);
    await waitFor('Next to say it waited', () => rows().find((r) => r.id === next.id)?.reason?.kind === 'waited_for_app', { timeoutMs: 60_000 });
    const listed = runCli(['tasks', '--data-dir', dataDir], repo);
    expect(listed.status, listed.stderr).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(`${next.id.slice(0, 8)}: `));
    expect(line, listed.stdout).toMatch(/^\w{8}: waited \d+ s for Switchyard to be back; it starts when fewer agents run$/);
    // A serve answers: the line of a command's own core (nothing starts the ready tasks) is not printed.
    expect(listed.stdout).not.toMatch(/when the app or `switchyard run` is running/);
    expect(Number(/waited (\d+) s/.exec(line!)![1])).toBeGreaterThanOrEqual(1);

    writeFileSync(flag, '');
    await waitFor('Next to start and lose its reason', () => {
      const row = rows().find((r) => r.id === next.id)!;
      return row.status !== 'ready' && row.reason === null;
    }, { timeoutMs: 60_000 });
  }, TEST_MS);
});
