import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The nice value of the host's background threads (the mirror and the transcript writer). Their
 * work can wait a few milliseconds; a keystroke's echo and the visible pane cannot. Under load the
 * kernel then gives the main thread and the window about ten times their share of the CPU.
 */
export const BACKGROUND_THREAD_NICE = 10;

/**
 * Lowers the priority of the calling thread. Linux keeps a nice value per thread, so the thread's
 * id (from /proc/thread-self) is what setpriority is given; elsewhere threads have no such knob
 * from Node, and nothing changes.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_THREAD_NICE): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // No /proc, or not allowed: the thread keeps the process's priority.
  }
}
