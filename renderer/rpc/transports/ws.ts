import { RECONNECT_DELAY_MS } from '../../../shared/constants';
import { wsProtocols, type ClientMessage, type ServerMessage } from '../../../shared/protocol';
import type { ConnectionStatus, Transport } from '../transport';

/**
 * Browser mode: one WebSocket to the serving host, opened with the tab's token offered as a
 * subprotocol (the server checks it before accepting), reopened after a drop. Messages sent while
 * it is down wait in a queue.
 */
export function wsTransport(url: string, token: string): Transport {
  const messageListeners = new Set<(message: ServerMessage) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const queue: string[] = [];
  let socket: WebSocket;
  let status: ConnectionStatus = 'connecting';

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  const open = () => {
    socket = new WebSocket(url, wsProtocols(token));
    socket.onopen = () => {
      setStatus('open');
      for (const message of queue.splice(0)) socket.send(message);
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      const message = JSON.parse(event.data) as ServerMessage;
      for (const listener of messageListeners) listener(message);
    };
    socket.onclose = () => {
      setStatus('closed');
      setTimeout(() => {
        setStatus('connecting');
        open();
      }, RECONNECT_DELAY_MS);
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
