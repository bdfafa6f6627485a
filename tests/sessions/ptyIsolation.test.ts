import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../electron/core/sessions/hostProtocol';
import { isRunning } from '../helpers/processes';
import { waitFor } from '../helpers/waitFor';
import { makeHost, nodeScript, outputOf, shell } from './hostHarness';

/** What a program's descriptors point at: a pty master shows as /dev/ptmx (or /dev/pts/ptmx), a terminal as /dev/pts/N. */
const TERMINAL_LINK = /^\/dev\/(ptmx|pts\/)/;

/** Prints `FDS <json>` once: every open descriptor of the program with what it links to, and its own terminal. */
const LIST_OWN_FDS = `
  const fs = require('node:fs');
  const fds = {};
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try { fds[fd] = fs.readlinkSync('/proc/self/fd/' + fd); } catch {}
  }
  console.log('FDS ' + JSON.stringify({ own: fs.readlinkSync('/proc/self/fd/0'), fds }));
  setInterval(() => {}, 1000);
`;

describe('pty isolation between agents', () => {
  it('gives a later agent no descriptor of an earlier agent’s pty: only its own terminal', async () => {
    const { host, events } = makeHost();
    await host.send({ type: 'spawn', sessionId: 'first', cols: 80, rows: 24, launch: shell('echo FIRST-UP; exec sleep 60') });
    await waitFor('the first agent runs', () => outputOf(events, 'first').includes('FIRST-UP'));
    await host.send({ type: 'spawn', sessionId: 'second', cols: 80, rows: 24, launch: nodeScript(LIST_OWN_FDS) });
    const listed = await waitFor('the second agent lists its descriptors', () => /FDS (\{.*\})\r?\n/.exec(outputOf(events, 'second'))?.[1]);
    const { own, fds } = JSON.parse(listed) as { own: string; fds: Record<string, string> };

    expect(own).toMatch(/^\/dev\/pts\/\d+$/);
    const terminals = Object.entries(fds).filter(([, link]) => TERMINAL_LINK.test(link));
    // stdin, stdout and stderr are its own terminal; nothing else is a pty, least of all a master.
    expect(terminals.map(([fd]) => fd).sort()).toEqual(['0', '1', '2']);
    expect(terminals.every(([, link]) => link === own)).toBe(true);
  });

  it('gives a later agent no descriptor of an earlier agent’s pty when a descriptor below that pty’s was closed meanwhile', async () => {
    const { host, events } = makeHost();
    // Every free descriptor up to the highest taken, then one more: the gap-to-be, above 15, as
    // node-pty's close-on-exec walk gives up at the first closed descriptor past 15.
    const fillers: number[] = [];
    const highest = Math.max(...openDescriptors().map(([fd]) => fd));
    do fillers.push(openSync('/dev/null', 'r'));
    while (fillers.at(-1)! <= Math.max(highest, 15));
    try {
      await host.send({ type: 'spawn', sessionId: 'first', cols: 80, rows: 24, launch: shell('echo FIRST-UP; exec sleep 60') });
      await waitFor('the first agent runs', () => outputOf(events, 'first').includes('FIRST-UP'));
      const gap = fillers.pop()!;
      closeSync(gap);
      // The first agent's master lies beyond the gap, or this test shows nothing.
      expect(openDescriptors().some(([fd, link]) => fd > gap && /^\/dev\/(pts\/)?ptmx$/.test(link))).toBe(true);

      await host.send({ type: 'spawn', sessionId: 'second', cols: 80, rows: 24, launch: nodeScript(LIST_OWN_FDS) });
      const listed = await waitFor('the second agent lists its descriptors', () => /FDS (\{.*\})\r?\n/.exec(outputOf(events, 'second'))?.[1]);
      const { fds } = JSON.parse(listed) as { fds: Record<string, string> };
      expect(Object.entries(fds).filter(([, link]) => TERMINAL_LINK.test(link)).map(([fd]) => fd).sort()).toEqual(['0', '1', '2']);
    } finally {
      for (const fd of fillers) closeSync(fd);
    }
  });
});

/** This process's open descriptors and what each links to. */
function openDescriptors(): [number, string][] {
  const result: [number, string][] = [];
  for (const entry of readdirSync('/proc/self/fd')) {
    try {
      result.push([Number(entry), readlinkSync(`/proc/self/fd/${entry}`)]);
    } catch {
      // readdir's own descriptor, closed by now.
    }
  }
  return result;
}

/** A session host in a process of its own, and the host events it reports. */
function hostProcess(sessions: { sessionId: string; launch: ReturnType<typeof shell> }[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'fixtures', 'session-host-process.ts'), JSON.stringify(sessions)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: (HostEvent | { type: 'spawned'; sessionId: string; pid: number })[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line) as (typeof events)[number]));
  return { child, events };
}

const hosts: ChildProcess[] = [];
const agentGroups: number[] = [];

afterEach(() => {
  for (const child of hosts.splice(0)) child.kill('SIGKILL');
  for (const group of agentGroups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

describe('hang-up when the pty master closes', () => {
  it('ends an earlier agent when its master closes, while a later agent that ignores SIGHUP keeps running', async () => {
    const { child, events } = hostProcess([
      { sessionId: 'first', launch: shell('echo FIRST-UP; exec sleep 600') },
      // The later agent survives its own hang-up, so it would go on holding whatever it inherited.
      { sessionId: 'second', launch: shell("trap '' HUP; echo SECOND-UP; while :; do sleep 1; done") },
    ]);
    hosts.push(child);
    const pidOf = (sessionId: string) =>
      events.find((e): e is Extract<(typeof events)[number], { type: 'spawned' }> => e.type === 'spawned' && e.sessionId === sessionId)?.pid;
    const printed = (sessionId: string, text: string) =>
      events.some((e) => e.type === 'output' && e.sessionId === sessionId && e.data.includes(text));
    const [first, second] = await waitFor('both agents up', () => {
      const pids = [pidOf('first'), pidOf('second')];
      return printed('first', 'FIRST-UP') && printed('second', 'SECOND-UP') && pids.every((p) => p !== undefined) && (pids as number[]);
    }, 20_000);
    agentGroups.push(first!, second!);

    // The host dies as in a crash: the kernel closes every master it held, and nobody else holds one.
    child.kill('SIGKILL');
    await waitFor('the first agent hung up', () => !isRunning(first!), 10_000);
    expect(isRunning(second!)).toBe(true);
  });
});
