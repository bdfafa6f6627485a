/** The name of the single IPC channel the preload exposes; it carries the contract's envelope. */
export const IPC_CHANNEL = 'switchyard:message';

/** What the preload puts on `window.switchyard`: an envelope in, envelopes out, nothing else. */
export interface PreloadBridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}
