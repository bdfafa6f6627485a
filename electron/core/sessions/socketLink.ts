import type { Socket } from 'node:net';
import { LineReader, type HostLink } from './hostWire';

/**
 * Largest line accepted before the peer says who it is (characters): a stranger on the socket
 * cannot make the host buffer without end.
 */
export const UNAUTHENTICATED_LINE_MAX = 64 * 1024;

/** How long a closed link waits for the peer to finish before it drops the connection (ms). */
const SOCKET_END_GRACE_MS = 1_000;

/**
 * A host link over a connected socket: one line of JSON per message. The host's end is `guarded`:
 * it reads little until the peer is trusted.
 */
export function socketLink<In, Out>(socket: Socket, guarded = false): HostLink<In, Out> & { trust(): void } {
  const listeners = new Set<(message: In) => void>();
  const closers = new Set<() => void>();
  let closed = false;
  let trusted = !guarded;
  let received = 0;
  const reader = new LineReader((value) => {
    for (const listener of [...listeners]) listener(value as In);
  });
  socket.setEncoding('utf8');
  socket.setNoDelay(true);
  socket.on('data', (chunk: string) => {
    received += chunk.length;
    if (!trusted && received > UNAUTHENTICATED_LINE_MAX) return void socket.destroy();
    try {
      reader.push(chunk);
    } catch {
      // Not JSON: whoever sent it does not speak the protocol.
      socket.destroy();
    }
  });
  const end = () => {
    if (closed) return;
    closed = true;
    for (const listener of [...closers]) listener();
  };
  socket.on('close', end);
  socket.on('error', () => socket.destroy());
  return {
    send(message) {
      if (!closed && !socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
    },
    onMessage: (listener) => void listeners.add(listener),
    onClose: (listener) => void closers.add(listener),
    close: () => {
      socket.end();
      // A peer that does not answer the end is not waited for.
      setTimeout(() => socket.destroy(), SOCKET_END_GRACE_MS).unref();
    },
    trust: () => {
      trusted = true;
    },
  };
}
