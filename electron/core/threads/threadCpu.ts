import { readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second in /proc's figures (USER_HZ): 100 on every Linux. */
const PROC_TICKS_PER_SECOND = 100;

/** The kernel's id of the calling thread (Linux), or undefined where there is no /proc/thread-self. */
export function thisThreadId(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** Processor time (ms) that thread `tid` of this process has used; undefined once it has ended, or without /proc. */
export function threadCpuMs(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The fields after the thread's name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / PROC_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
