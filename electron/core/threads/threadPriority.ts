import { setPriority } from 'node:os';
import { thisThreadId } from './threadCpu';

/**
 * The nice value of background threads (the session host's mirror and transcript writer, the
 * core's plan parsers). Their work can wait a few milliseconds; a keystroke's echo, the visible
 * pane and the core's answers cannot. Under load the kernel then gives the main thread and the
 * window about ten times their share of the CPU.
 */
export const BACKGROUND_THREAD_NICE = 10;

/**
 * Lowers the priority of the calling thread. Linux keeps a nice value per thread, so the thread's
 * id (from /proc/thread-self) is what setpriority is given; elsewhere threads have no such knob
 * from Node, and nothing changes.
 */
export function lowerThisThreadPriority(nice = BACKGROUND_THREAD_NICE): void {
  const tid = thisThreadId();
  if (tid === undefined) return;
  try {
    setPriority(tid, nice);
  } catch {
    // No /proc, or not allowed: the thread keeps the process's priority.
  }
}
