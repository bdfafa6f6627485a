import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { HOST_PROTOCOL_VERSION } from '../../electron/core/sessions/hostWire';
import { hostStatus, stopHost } from '../../electron/core/sessions/hostSupervisor';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const HOST_OF_VERSION = join(import.meta.dirname, '..', 'fixtures', 'host-of-version.ts');
const cores: Core[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  for (const core of cores.splice(0)) {
    core.setQuitChoice('stop');
    await core.dispose();
  }
  for (const dataDir of dataDirs.splice(0)) await stopHost(dataDir, { all: true }).catch(() => null);
}, 60_000);

function processCore(dataDir: string): Core {
  const core = createCore({ dataDir, mode: 'browser', sessionHost: 'process', log: memoryLogger() });
  cores.push(core);
  return core;
}

/** The session ids whose hook token the data folder's record still holds. */
function recordedHookSessions(dataDir: string): string[] {
  return Object.keys((JSON.parse(readFileSync(join(dataDir, 'hooks.json'), 'utf8')) as { sessions: Record<string, string> }).sessions);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the hook record across restarts of the core', () => {
  it('drops the token of an agent that ended while no core ran', async () => {
    const dataDir = tempDir('switchyard-hooks-');
    dataDirs.push(dataDir);
    const first = processCore(dataDir);
    // A stand-in for Claude Code that waits: its launch gets a hook token, recorded for a later core.
    const program = join(tempDir('switchyard-bin-'), 'claude');
    writeFileSync(program, '#!/bin/sh\nexec sleep 600\n');
    chmodSync(program, 0o755);
    first.settings.set('agents.claudePath', program, 'user');
    await first.ready;
    const project = await first.projects.add(makeRepo());
    const session = await first.sessions.start(first.tasks.create({ projectId: project.id, title: 'kept', prompt: 'wait' }).id);
    expect(recordedHookSessions(dataDir)).toEqual([session.id]);

    // Tried: the app quits keeping its agent, and the agent is killed before the app starts again.
    first.setQuitChoice('keep');
    await first.dispose();
    cores.splice(cores.indexOf(first), 1);
    process.kill(session.pid!, 'SIGKILL');
    await waitFor('the agent gone', () => !alive(session.pid!));
    // The host, alone, has seen the exit (or ended with its last session): the next core finds the session over.
    await waitFor('the host runs no agent', async () => ((await hostStatus(dataDir))?.running ?? 0) === 0);

    const second = processCore(dataDir);
    await second.ready;
    expect(second.sessions.get(session.id).endedAt, 'the session is closed').not.toBeNull();
    expect(second.agents.hookSessionCount(), 'hook tokens held').toBe(0);
    expect(recordedHookSessions(dataDir), 'tokens in the record').toEqual([]);
  }, 60_000);

  it('keeps the tokens when the host cannot be asked what it runs: a host of another version may still run those agents', async () => {
    const dataDir = tempDir('switchyard-hooks-');
    dataDirs.push(dataDir);
    const first = processCore(dataDir);
    const program = join(tempDir('switchyard-bin-'), 'claude');
    writeFileSync(program, '#!/bin/sh\nexec sleep 600\n');
    chmodSync(program, 0o755);
    first.settings.set('agents.claudePath', program, 'user');
    await first.ready;
    const project = await first.projects.add(makeRepo());
    const session = await first.sessions.start(first.tasks.create({ projectId: project.id, title: 'kept', prompt: 'wait' }).id);
    first.setQuitChoice('keep');
    await first.dispose();
    cores.splice(cores.indexOf(first), 1);
    await stopHost(dataDir, { all: true });

    // Tried: the next core finds a host of an earlier build, which runs the session, on the socket.
    const older = spawn(process.execPath, ['--import', 'tsx', HOST_OF_VERSION, dataDir, String(HOST_PROTOCOL_VERSION - 1), JSON.stringify(['/bin/sh', '-c', 'exec sleep 600']), session.id], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const agentPid = await new Promise<number>((resolve, reject) => {
      createInterface({ input: older.stdout! }).on('line', (line) => {
        if (line.startsWith('{"pid"')) resolve((JSON.parse(line) as { pid: number }).pid);
      });
      older.once('exit', (code) => reject(new Error(`the older host exited with ${code}`)));
    });
    try {
      const second = processCore(dataDir);
      await second.ready;
      expect(recordedHookSessions(dataDir), 'tokens in the record').toEqual([session.id]);
    } finally {
      for (const pid of [agentPid, older.pid!]) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
  }, 60_000);
});

