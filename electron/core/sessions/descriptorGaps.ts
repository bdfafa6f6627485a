import { closeSync, openSync, readdirSync } from 'node:fs';

/**
 * node-pty's Linux build (1.2.0-beta.15's prebuilt has no close_range) marks what a new program
 * inherits close-on-exec by walking the descriptors upward from 3, and gives up at the first one
 * above 15 that is not open. Every descriptor past such a gap went to the new program: an earlier
 * agent's pty master among them, since node-pty does not make masters close-on-exec here either.
 * A later agent that ignores SIGHUP then held the earlier agent's terminal open after the host died,
 * and the earlier agent never hung up. Gaps come and go as other threads open and close files, so
 * it happened now and then. For the length of a spawn every gap is filled with a close-on-exec
 * placeholder, so that node-pty's walk reaches every descriptor.
 */
export function spawnWithoutDescriptorGaps<T>(spawn: () => T): T {
  if (process.platform !== 'linux') return spawn();
  const placeholders = fillDescriptorGaps();
  try {
    return spawn();
  } finally {
    for (const fd of placeholders) closeSync(fd);
  }
}

/** Opens /dev/null (close-on-exec, as Node opens every file) into each free descriptor below the highest open one. */
function fillDescriptorGaps(): number[] {
  let highest: number;
  try {
    highest = Math.max(...readdirSync('/proc/self/fd').map(Number));
  } catch {
    return [];
  }
  const placeholders: number[] = [];
  // A file opens at the lowest free descriptor: once one opens above the highest, no gap is left.
  for (;;) {
    let fd: number;
    try {
      fd = openSync('/dev/null', 'r');
    } catch {
      break; // Out of descriptors: the spawn will say so itself.
    }
    if (fd > highest) {
      closeSync(fd);
      break;
    }
    placeholders.push(fd);
  }
  return placeholders;
}
