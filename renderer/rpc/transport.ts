import type { ClientMessage, ServerMessage } from '../../shared/protocol';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** One way to reach the core: Electron IPC through the preload, or a WebSocket in browser mode. */
export interface Transport {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  readonly status: ConnectionStatus;
}
