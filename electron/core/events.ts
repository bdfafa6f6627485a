import type { EventName, EventPayload } from '../../shared/contract';
import type { Disposable } from './disposable';

export type AnyEvent = { [K in EventName]: { event: K; payload: EventPayload<K> } }[EventName];
type Listener = (event: AnyEvent) => void;

/** The one place services publish events; transports subscribe to forward them to clients. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<K extends EventName>(event: K, payload: EventPayload<K>): void {
    const message = { event, payload } as AnyEvent;
    for (const listener of [...this.listeners]) listener(message);
  }

  subscribe(listener: Listener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}
