import { RECONNECT_DELAY_MS, RECONNECT_MAX_DELAY_MS } from '../../../shared/constants';
import { TOKEN_CHECK_PATH, TOKEN_HEADER, wsProtocols } from '../../../shared/browserAuth';
import type { ClientMessage, ServerMessage } from '../../../shared/protocol';
import type { ConnectionStatus, Transport } from '../transport';

/**
 * Whether the server refuses this token, asked over HTTP: a refused WebSocket upgrade tells the
 * page nothing of why. False when the server cannot be reached (it is restarting: try again).
 */
async function tokenRefused(token: string): Promise<boolean> {
  try {
    const response = await fetch(TOKEN_CHECK_PATH, { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' });
    return response.status === 401;
  } catch {
    return false;
  }
}

/**
 * Browser mode: one WebSocket to the serving host, opened with the tab's token offered as a
 * subprotocol (the server checks it before accepting), reopened after a drop with a growing delay.
 * Messages sent while it is down wait in a queue. A token the server no longer accepts ends the
 * tries with the status `unauthorized`.
 */
export function wsTransport(url: string, token: string): Transport {
  const messageListeners = new Set<(message: ServerMessage) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const queue: string[] = [];
  let socket: WebSocket;
  let status: ConnectionStatus = 'connecting';
  let delay = RECONNECT_DELAY_MS;

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const open = () => {
    let opened = false;
    socket = new WebSocket(url, wsProtocols(token));
    socket.onopen = () => {
      opened = true;
      delay = RECONNECT_DELAY_MS;
      setStatus('open');
      for (const message of queue.splice(0)) socket.send(message);
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as ServerMessage;
      for (const listener of messageListeners) listener(message);
    };
    socket.onclose = () => {
      setStatus('closed');
      const retry = () => {
        setTimeout(() => {
          setStatus('connecting');
          open();
        }, delay);
        delay = Math.min(delay * 2, RECONNECT_MAX_DELAY_MS);
      };
      // A socket that opened and dropped lost the server; one refused before opening may have a stale token.
      if (opened) return retry();
      void tokenRefused(token).then((refused) => (refused ? setStatus('unauthorized') : retry()));
    };
  };
  open();

  return {
    get status() {
      return status;
    },
    send(message: ClientMessage) {
      const text = JSON.stringify(message);
      if (status === 'open' && socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
