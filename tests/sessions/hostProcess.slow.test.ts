import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import type { ClientContext } from '../../electron/core/clientContext';
import { memoryLogger } from '../../electron/core/log';
import { HOST_LOST_DETAIL, HOST_SILENT_DETAIL } from '../../electron/core/sessions/hostClient';
import { hostPaths, hostSecret, hostStatus, stopHost } from '../../electron/core/sessions/hostSupervisor';
import { HOST_HEARTBEAT_MS, HOST_HEARTBEAT_TIMEOUT_MS, HOST_PROTOCOL_VERSION, LineReader } from '../../electron/core/sessions/hostWire';
import { addCommandTasks } from '../fixtures/commandTasks';
import { makeRepo } from '../helpers/gitRepo';
import { isRunning, liveGroupMembers } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const NUMBERED_LINES = join(import.meta.dirname, '..', 'fixtures', 'numbered-lines.mjs');
const CORE_PROCESS = join(import.meta.dirname, '..', 'fixtures', 'core-process.ts');
const HOST_OF_VERSION = join(import.meta.dirname, '..', 'fixtures', 'host-of-version.ts');
const LOCK_HOLDER = join(import.meta.dirname, '..', 'fixtures', 'lock-holder.ts');
const LINE = /line (\d{6}) x+\r?\n/g;

const dataDirs: string[] = [];
const cores: Core[] = [];
const children: ChildProcess[] = [];
const groups: number[] = [];
/** Host processes a test stopped or started itself: killed whatever happened. */
const hostPids: number[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const pid of hostPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  for (const core of cores.splice(0)) await core.dispose();
  for (const dataDir of dataDirs.splice(0)) await stopHost(dataDir, { all: true }).catch(() => null);
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}, 60_000);

/** A data folder whose project has `count` ready tasks, each an agent printing numbered lines without end. */
async function prepare(count: number): Promise<{ dataDir: string; repo: string }> {
  const dataDir = tempDir('switchyard-host-');
  dataDirs.push(dataDir);
  const repo = await addCommandTasks(dataDir, makeRepo(), count, [process.execPath, NUMBERED_LINES]);
  return { dataDir, repo };
}

/** A core of this process whose session host runs in a process of its own. */
function processCore(dataDir: string): Core {
  const core = createCore({ dataDir, mode: 'browser', sessionHost: 'process', log: memoryLogger() });
  cores.push(core);
  return core;
}

/** A core on its own host process with `count` agents started, each past its first 50 lines. */
async function printingAgents(count: number) {
  const { dataDir } = await prepare(count);
  const core = processCore(dataDir);
  await core.ready;
  const tasks = core.tasks.list(core.projects.list()[0]!.id);
  const sessions = [];
  for (const task of tasks) sessions.push(await core.sessions.start(task.id));
  groups.push(...sessions.map((s) => s.pid!));
  for (const session of sessions) {
    await waitFor('the agent prints', async () => lineNumbers(await core.transcript.raw(session.id)).length > 50);
  }
  return { dataDir, core, tasks, sessions };
}

/** The numbers of the lines in a transcript, in order. */
function lineNumbers(text: string): number[] {
  return [...text.matchAll(LINE)].map((match) => Number(match[1]));
}

/** True when the numbers are 1, 2, 3, … with none missing or repeated. */
function gapless(numbers: number[]): boolean {
  return numbers.length > 0 && numbers.every((n, i) => n === i + 1);
}

describe('the session host process', () => {
  it('keeps three agents running through a SIGKILL of the core; the next core takes them back with their screens and every line', async () => {
    const { dataDir, repo } = await prepare(3);
    const child = spawn(process.execPath, ['--import', 'tsx', CORE_PROCESS, dataDir, repo], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const started = await new Promise<{ sessions: { id: string; pid: number }[] }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { sessions: { id: string; pid: number }[] }));
      child.once('exit', (code) => reject(new Error(`the core exited with ${code}`)));
    });
    expect(started.sessions).toHaveLength(3);
    groups.push(...started.sessions.map((s) => s.pid));

    // The core dies as in a crash; its host, in a session of its own, does not.
    child.kill('SIGKILL');
    await waitFor('the core is gone', () => child.exitCode !== null || child.signalCode !== null);
    for (const { pid } of started.sessions) expect(isRunning(pid)).toBe(true);

    const core = processCore(dataDir);
    await core.ready;
    const held = await core.host.send({ type: 'list' });
    for (const { id, pid } of started.sessions) {
      const session = core.sessions.get(id);
      expect(session).toMatchObject({ endedAt: null, pid });
      expect(held.find((s) => s.sessionId === id)).toMatchObject({ running: true, pid });
      const task = core.tasks.get(session.taskId);
      expect(task.status).toBe('running');
    }

    // The screen is the live one, and what it shows was recorded.
    const client: ClientContext = { clientId: 'pane', send: () => {}, onClose: () => ({ dispose: () => {} }) };
    for (const { id } of started.sessions) {
      const before = lineNumbers(await core.transcript.raw(id)).at(-1) ?? 0;
      await waitFor('the agent goes on printing', async () => (lineNumbers(await core.transcript.raw(id)).at(-1) ?? 0) > before + 20);
      const { snapshot } = await core.sessions.attach(id, client);
      const shown = [...snapshot.matchAll(/line (\d{6})/g)].map((m) => Number(m[1]));
      expect(shown.length).toBeGreaterThan(5);
      expect(Math.max(...shown)).toBeGreaterThan(before);
    }

    // Stopped, every line any of them printed is in its transcript, none missing.
    for (const { id } of started.sessions) await core.sessions.stop(id);
    for (const { id } of started.sessions) expect(gapless(lineNumbers(await core.transcript.raw(id)))).toBe(true);
    expect(core.database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const { pid } of started.sessions) await waitFor('no process of the agent is left', () => liveGroupMembers(pid).length === 0);
  }, 120_000);

  it('reports the agents of a host killed with SIGKILL exited with the reason, and starts another host for the next session', async () => {
    const { dataDir, core, tasks, sessions } = await printingAgents(3);
    const status = await hostStatus(dataDir);
    expect(status).toMatchObject({ version: HOST_PROTOCOL_VERSION, running: 3 });

    process.kill(status!.pid, 'SIGKILL');
    for (const session of sessions) {
      await waitFor('the session is told ended', () => core.sessions.get(session.id).endedAt !== null);
      expect(core.sessions.history(session.id).at(-1)).toMatchObject({ state: 'exited', detail: HOST_LOST_DETAIL });
      await waitFor('the agent went with its pty', () => !isRunning(session.pid!));
      // Intact up to the last batch the host wrote.
      expect(gapless(lineNumbers(await core.transcript.raw(session.id)))).toBe(true);
    }
    // The core is up, and the next start gets a new host.
    const again = await core.sessions.start(tasks[0]!.id);
    groups.push(again.pid!);
    expect(isRunning(again.pid!)).toBe(true);
    const next = await hostStatus(dataDir);
    expect(next?.pid).not.toBe(status!.pid);
    expect(next?.running).toBe(1);
  }, 120_000);

  it('keeps its socket and secret to the user, and refuses a connection with the wrong secret', async () => {
    const { dataDir } = await prepare(1);
    const core = processCore(dataDir);
    await core.ready;
    const session = await core.sessions.start(core.tasks.list(core.projects.list()[0]!.id)[0]!.id);
    groups.push(session.pid!);
    const paths = hostPaths(dataDir);
    expect(statSync(paths.socket).mode & 0o777).toBe(0o600);
    expect(statSync(paths.secret).mode & 0o777).toBe(0o600);

    // Tried: a hello with a secret of the right form but the wrong value, then a list of the sessions.
    const socket = createConnection(paths.socket);
    const heard: unknown[] = [];
    const reader = new LineReader((message) => heard.push(message));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => reader.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`${JSON.stringify({ t: 'hello', version: HOST_PROTOCOL_VERSION, secret: '0'.repeat(64) })}\n`);
    socket.write(`${JSON.stringify({ t: 'call', id: 1, command: { type: 'list' } })}\n`);
    await closed;
    expect(heard).toEqual([{ t: 'refused', reason: 'wrong secret' }]);
    expect(isRunning(session.pid!)).toBe(true);
  }, 60_000);

  it('stops every process of every agent when quitting with "stop all"', async () => {
    const { dataDir, repo } = await prepare(2);
    // A third agent with a tree: children and grandchildren that ignore SIGTERM, in its process group.
    await addCommandTasks(dataDir, repo, 1, ['/bin/sh', '-c', 'trap "" TERM; sleep 600 & (trap "" TERM; sleep 600 & wait) & sh -c "sleep 600" & wait'], 'tree');
    const core = processCore(dataDir);
    await core.ready;
    const sessions = [];
    for (const task of core.tasks.list(core.projects.list()[0]!.id)) sessions.push(await core.sessions.start(task.id));
    groups.push(...sessions.map((s) => s.pid!));
    const tree = sessions.find((s) => core.tasks.get(s.taskId).title === 'tree 1')!;
    const members = await waitFor('the tree to grow', () => {
      const found = liveGroupMembers(tree.pid!);
      return found.length >= 5 && found;
    });
    core.setQuitChoice('stop');
    await core.dispose();
    for (const session of sessions) expect(liveGroupMembers(session.pid!)).toEqual([]);
    for (const pid of members) expect(isRunning(pid)).toBe(false);
    await waitFor('the host has ended', async () => (await hostStatus(dataDir)) === null);
  }, 60_000);

  it('waits out the write lock of another process on the database: the host and the core retry, nothing fails and no line is lost', async () => {
    const { dataDir } = await prepare(2);
    const log = memoryLogger();
    const core = createCore({ dataDir, mode: 'browser', sessionHost: 'process', log });
    cores.push(core);
    await core.ready;
    const project = core.projects.list()[0]!;
    const sessions = [];
    for (const task of core.tasks.list(project.id)) sessions.push(await core.sessions.start(task.id));
    groups.push(...sessions.map((s) => s.pid!));
    const host = (await hostStatus(dataDir))!;

    // Tried: a third process taking the write lock four times for 1.5 s (the busy timeout is 5 s) while both write.
    const holder = spawn(process.execPath, ['--import', 'tsx', LOCK_HOLDER, core.database.file, '4', '1500', '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(holder);
    let heard = '';
    holder.stdout!.on('data', (chunk: Buffer) => (heard += chunk.toString()));
    let written = 0;
    while (!heard.includes('done')) {
      core.tasks.create({ projectId: project.id, title: `written while locked ${++written}`, prompt: '', status: 'backlog', priority: 'normal', phase: null, agentKind: 'custom', agentOptions: { command: ['true'], promptDelivery: 'none' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (holder.exitCode !== null && !heard.includes('done')) throw new Error(`the lock holder ended with ${holder.exitCode}: ${heard}`);
    }
    expect(heard).toContain('held 4');
    expect(written).toBeGreaterThan(4);
    expect(core.tasks.list(project.id).filter((t) => t.title.startsWith('written while locked'))).toHaveLength(written);

    // The host went on writing: the same host, every line recorded.
    for (const session of sessions) await core.sessions.stop(session.id);
    expect((await hostStatus(dataDir))?.pid).toBe(host.pid);
    for (const session of sessions) expect(gapless(lineNumbers(await core.transcript.raw(session.id)))).toBe(true);
    expect(log.lines.filter((line) => /locked|busy|SQLITE/i.test(line))).toEqual([]);
    expect(core.database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 120_000);

  it('replaces a host that stops answering (SIGSTOP) within the heartbeat window, and reports its agents exited with the reason', async () => {
    const { dataDir, core, tasks, sessions } = await printingAgents(2);
    const stopped = (await hostStatus(dataDir))!;
    hostPids.push(stopped.pid);

    // The host is alive but says nothing: its socket still accepts connections nobody answers.
    process.kill(stopped.pid, 'SIGSTOP');
    const window = HOST_HEARTBEAT_TIMEOUT_MS + 2 * HOST_HEARTBEAT_MS;
    for (const session of sessions) {
      await waitFor('the session is told ended', () => core.sessions.get(session.id).endedAt !== null, { timeoutMs: window });
      expect(core.sessions.history(session.id).at(-1)).toMatchObject({ state: 'exited', detail: HOST_SILENT_DETAIL });
    }
    // Ended, and its agents with their ptys.
    await waitFor('the silent host is gone', () => !isRunning(stopped.pid));
    for (const session of sessions) await waitFor('the agent went with its pty', () => liveGroupMembers(session.pid!).length === 0);
    for (const session of sessions) expect(gapless(lineNumbers(await core.transcript.raw(session.id)))).toBe(true);

    // Another host takes the next session.
    const again = await core.sessions.start(tasks[0]!.id);
    groups.push(again.pid!);
    const next = await hostStatus(dataDir);
    expect(next).toMatchObject({ version: HOST_PROTOCOL_VERSION, running: 1 });
    expect(next!.pid).not.toBe(stopped.pid);
  }, 120_000);

  it('says so when the running host speaks another version, lets it finish its sessions, and starts a current one once they end', async () => {
    const { dataDir } = await prepare(1);
    hostSecret(hostPaths(dataDir));
    const older = HOST_PROTOCOL_VERSION - 1;
    // A host of an earlier build, still running an agent of its own.
    const child = spawn(process.execPath, ['--import', 'tsx', HOST_OF_VERSION, dataDir, String(older), JSON.stringify(['/bin/sh', '-c', 'exec sleep 600'])], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    children.push(child);
    hostPids.push(child.pid!);
    const { pid: agentPid } = await new Promise<{ pid: number }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('{"pid"')) resolve(JSON.parse(line) as { pid: number });
      });
      child.once('exit', (code) => reject(new Error(`the older host exited with ${code}`)));
    });
    groups.push(agentPid);

    const core = processCore(dataDir);
    await core.ready;
    const task = core.tasks.list(core.projects.list()[0]!.id)[0]!;
    // Tried: starting a task while the older host holds the socket.
    const refused = await core.sessions.start(task.id).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { hostVersion: older, version: HOST_PROTOCOL_VERSION, running: 1 } });
    expect((refused as Error).message).toBe(
      `the session host running (pid ${child.pid}) speaks version ${older} of its protocol and this app ${HOST_PROTOCOL_VERSION}: it is restarted once its 1 running session(s) end, or stop them with \`switchyard daemon stop --all\``,
    );
    // Its agent is left running; the host only waits for it to end.
    expect(isRunning(agentPid)).toBe(true);
    expect(await hostStatus(dataDir)).toMatchObject({ pid: child.pid, version: older, running: 1, retiring: true });

    process.kill(agentPid, 'SIGKILL');
    await waitFor('the older host ends with its last session', () => child.exitCode !== null || child.signalCode !== null);
    const session = await core.sessions.start(task.id);
    groups.push(session.pid!);
    expect(await hostStatus(dataDir)).toMatchObject({ version: HOST_PROTOCOL_VERSION, running: 1, retiring: false });
  }, 120_000);
});
