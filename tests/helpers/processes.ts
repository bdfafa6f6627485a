import { readdirSync, readFileSync } from 'node:fs';

interface ProcessStat {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

/** Every process on the machine, read from /proc (Linux). */
export function allProcesses(): ProcessStat[] {
  const result: ProcessStat[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      result.push({ pid, state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // Exited while we looked.
    }
  }
  return result;
}

/** Processes of a process group that still run (zombies excluded: they are dead, awaiting their parent). */
export function liveGroupMembers(groupId: number): number[] {
  return allProcesses()
    .filter((p) => p.pgrp === groupId && p.state !== 'Z')
    .map((p) => p.pid);
}

/** Zombies whose parent is this process: children we failed to reap. */
export function ourZombies(): number[] {
  return allProcesses()
    .filter((p) => p.ppid === process.pid && p.state === 'Z')
    .map((p) => p.pid);
}

/** Open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Whether a process runs: it exists and is not a zombie (dead, waiting for a parent to reap it). */
export function isRunning(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
