import { afterEach } from 'vitest';
import type { HostEvent, StateReport } from '../../electron/core/sessions/hostProtocol';
import type { AgentLaunch } from '../../electron/core/sessions/launch';
import { SessionHost, type SessionHostOptions } from '../../electron/core/sessions/sessionHost';
import { tempDir } from '../helpers/tempDir';

const hosts: SessionHost[] = [];

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.dispose();
});

/** A real session host, disposed (every program killed) after the test, with its pty events and its state reports. */
export function makeHost(options: SessionHostOptions = {}) {
  const host = new SessionHost(options);
  hosts.push(host);
  const events: HostEvent[] = [];
  const states: StateReport[] = [];
  host.onEvent((event) => events.push(event));
  host.onState((report) => states.push(report));
  return { host, events, states };
}

/** Runs a shell script in a real pty. */
export function shell(script: string, cwd = tempDir()): AgentLaunch {
  return { file: '/bin/sh', args: ['-c', script], env: {}, cwd };
}

/** Runs `node -e` in a real pty. */
export function nodeScript(code: string, cwd = tempDir()): AgentLaunch {
  return { file: process.execPath, args: ['-e', code], env: {}, cwd };
}

/** Everything a session printed so far, in seq order. */
export function outputOf(events: HostEvent[], sessionId: string): string {
  return events
    .filter((e): e is Extract<HostEvent, { type: 'output' }> => e.type === 'output' && e.sessionId === sessionId)
    .map((e) => e.data)
    .join('');
}

export function exitOf(events: HostEvent[], sessionId: string) {
  return events.find(
    (e): e is Extract<HostEvent, { type: 'exited' }> => e.type === 'exited' && e.sessionId === sessionId,
  );
}
