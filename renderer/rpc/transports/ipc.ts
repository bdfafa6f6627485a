import type { PreloadBridge } from '../../../shared/ipc';
import type { ServerMessage } from '../../../shared/protocol';
import type { Transport } from '../transport';

/** The desktop transport: the preload's narrow bridge, always open. */
export function ipcTransport(bridge: PreloadBridge): Transport {
  return {
    status: 'open',
    send: (message) => bridge.send(message),
    onMessage: (listener) => bridge.onMessage((message) => listener(message as ServerMessage)),
    onStatus: () => () => undefined,
  };
}
