import type { EventName, EventPayload, InputOf, MessageInputOf, MessageName, OutputOf, ProcedureName } from '../../shared/contract';
import { CALL_TIMEOUT_MS } from '../../shared/constants';
import type { ErrorData } from '../../shared/errors';
import type { PreloadBridge } from '../../shared/ipc';
import { takeBrowserToken } from './browserToken';
import type { ConnectionStatus, Transport } from './transport';
import { ipcTransport } from './transports/ipc';
import { wsTransport } from './transports/ws';

/** A failed call, carrying the typed error the main side sent. */
export class RpcError extends Error {
  readonly code: ErrorData['code'];
  readonly details: ErrorData['details'];

  constructor(error: ErrorData) {
    super(error.message);
    this.name = 'RpcError';
    this.code = error.code;
    this.details = error.details;
  }
}

interface Pending {
  resolve(output: unknown): void;
  reject(error: RpcError): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface RpcClient {
  call<K extends ProcedureName>(method: K, input: InputOf<K>): Promise<OutputOf<K>>;
  /** A one-way message: nothing waits for it; a refusal comes back as a message.refused event. */
  send<K extends MessageName>(method: K, input: MessageInputOf<K>): void;
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  readonly status: ConnectionStatus;
}

/** The one typed client of the contract, whatever the transport underneath. */
export function createClient(transport: Transport): RpcClient {
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.onMessage((message) => {
    if (message.kind === 'event') {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    // An id of null answers a message the main side could not read as a call: none of ours waits for it.
    if (message.id === null) return;
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok) call.resolve(message.output);
    else call.reject(new RpcError(message.error));
  });

  return {
    call(method, input) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new RpcError({ code: 'INTERNAL', message: `${method}: no answer from Switchyard` }));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (output: unknown) => void, reject, timer });
        transport.send({ kind: 'call', id, method, input });
      });
    },
    send(method, input) {
      transport.send({ kind: 'message', method, input });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onStatus: (listener) => transport.onStatus(listener),
    get status() {
      return transport.status;
    },
  };
}

/**
 * The preload's bridge on the desktop; otherwise the WebSocket of browser mode, opened with this
 * tab's token (null when the tab has none: it was not opened from the address serve printed).
 */
export function connect(): RpcClient | null {
  const bridge = (window as unknown as { switchyard?: PreloadBridge }).switchyard;
  if (bridge) return createClient(ipcTransport(bridge));
  const token = takeBrowserToken();
  if (token === null) return null;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createClient(wsTransport(`${scheme}//${location.host}/ws`, token));
}
