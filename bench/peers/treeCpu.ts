import { readFileSync, readdirSync } from 'node:fs';

/** USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

interface ProcessTimes {
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of the children it has reaped, in ticks. */
  ticks: number;
}

/** Every live process's parent and CPU ticks, from /proc; null where there is no /proc. */
function processTable(): Map<number, ProcessTimes> | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const table = new Map<number, ProcessTimes>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // It ended between the listing and the read.
    }
    // The command name (field 2) is in parentheses and may hold spaces: fields count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    table.set(Number(entry), { ppid, ticks: (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0) });
  }
  return table;
}

/**
 * CPU ms spent so far by the processes under `roots` (the roots included) and by the children
 * they reaped; null where there is no /proc. Taken before and after a measurement, the
 * difference is what the measured programs spent, whatever else the machine runs meanwhile.
 */
export function treeCpuMs(roots: readonly number[]): number | null {
  const table = processTable();
  if (!table) return null;
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const seen = new Set<number>();
  const stack = roots.filter((pid) => table.has(pid));
  let ticks = 0;
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += table.get(pid)!.ticks;
    stack.push(...(children.get(pid) ?? []));
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
