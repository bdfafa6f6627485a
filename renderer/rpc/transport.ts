import type { ClientMessage, ServerMessage } from '../../shared/protocol';

/** `unauthorized`: the server refuses this tab's token (it was rotated); the transport stops trying. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** One way to reach the core: Electron IPC through the preload, or a WebSocket in browser mode. */
export interface Transport {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  readonly status: ConnectionStatus;
}
