import type { EventName, EventPayload } from '../../shared/contract';
import type { Disposable } from './disposable';

/**
 * The client a call came from, as handlers see it: an id, a way to send it (and only it) an event,
 * and a hook for when it goes away. Terminal output goes to the clients attached to a session,
 * not to everyone on the bus.
 */
export interface ClientContext {
  readonly clientId: string;
  send<K extends EventName>(event: K, payload: EventPayload<K>): void;
  onClose(listener: () => void): Disposable;
}

/** The context of a call made inside the main side (tests, the CLI): it receives no events. */
export const LOCAL_CLIENT: ClientContext = {
  clientId: 'local',
  send: () => {},
  onClose: () => ({ dispose: () => {} }),
};
