import { readdirSync, readFileSync } from 'node:fs';

/**
 * A pty's program is a session leader (node-pty calls setsid), so its pid is the id of its process
 * group and of its session. A shell with job control moves background jobs into groups of their
 * own, still inside the same session: signalling the group alone would miss them, so on Linux we
 * also signal every process of the session, found in /proc.
 */
export function sessionMembers(sessionId: number): number[] {
  if (process.platform !== 'linux') return processGroupAlive(sessionId) ? [sessionId] : [];
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (stat && stat.session === sessionId && stat.state !== 'Z') members.push(pid);
  }
  return members;
}

/** Sends a signal to the process group and to every live process of the session; never throws. */
export function signalSession(sessionId: number, signal: NodeJS.Signals): void {
  trySignal(-sessionId, signal);
  for (const pid of sessionMembers(sessionId)) trySignal(pid, signal);
}

/** True while any process of the group is alive (signal 0 checks without sending). */
export function processGroupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone, or never ours: nothing to do.
  }
}

/** Fields of /proc/<pid>/stat: after the parenthesised command name come state, ppid, pgrp, session. */
function readStat(pid: number): { state: string; pgrp: number; session: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), session: Number(fields[3]) };
}
