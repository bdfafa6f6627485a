import { readSync } from 'node:fs';
import type { IPty } from 'node-pty';

/** Bytes read per call when draining the tail of a pty's output. */
const DRAIN_CHUNK_BYTES = 64 * 1024;

/**
 * Keeps the last output of a program that exits right after writing it. When the program closes
 * the pty, libuv sees POLLHUP and, if its previous read was partial, reports end-of-stream at
 * once, although the pty still holds data (a pipe would not; a pty hands out data in pieces). So
 * at 'end' we read what is left straight from the master fd until it is empty (EAGAIN/EIO).
 * It relies on node-pty's internals (`_socket`, `_fd`); without them it does nothing.
 */
export function drainTailOnEnd(child: IPty, onData: (chunk: Uint8Array) => void): void {
  const internals = child as unknown as { _socket?: NodeJS.EventEmitter; _fd?: number };
  const socket = internals._socket;
  const fd = internals._fd;
  if (!socket || typeof fd !== 'number') return;
  socket.prependOnceListener('end', () => {
    const buffer = Buffer.alloc(DRAIN_CHUNK_BYTES);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        return;
      }
      if (read <= 0) return;
      onData(Uint8Array.prototype.slice.call(buffer, 0, read));
    }
  });
}
