import type { ClientContext } from '../clientContext';
import type { Disposable } from '../disposable';

interface Attached {
  client: ClientContext;
  sessions: Set<string>;
  closed: Disposable;
}

/**
 * Which client shows which session, and the sending of each session's output to those clients
 * only. The host decides who gets a batch (its flow control knows who is attached); this holds
 * the clients themselves, so that a batch reaches them and a closed client is let go.
 */
export class Attachments implements Disposable {
  private readonly clients = new Map<string, Attached>();

  /** `onClosed` hears of a client that went away, with the sessions it was attached to. */
  constructor(private readonly onClosed: (clientId: string, sessionIds: ReadonlySet<string>) => void) {}

  add(client: ClientContext, sessionId: string): void {
    let entry = this.clients.get(client.clientId);
    if (!entry) {
      const created: Attached = {
        client,
        sessions: new Set<string>(),
        closed: client.onClose(() => {
          this.clients.delete(client.clientId);
          this.onClosed(client.clientId, created.sessions);
        }),
      };
      entry = created;
      this.clients.set(client.clientId, entry);
    }
    entry.sessions.add(sessionId);
  }

  remove(clientId: string, sessionId: string): void {
    this.clients.get(clientId)?.sessions.delete(sessionId);
  }

  /** Whether any client is attached to the session. */
  watched(sessionId: string): boolean {
    for (const entry of this.clients.values()) if (entry.sessions.has(sessionId)) return true;
    return false;
  }

  /** The clients attached to the session. */
  watchers(sessionId: string): string[] {
    return [...this.clients.values()].filter((entry) => entry.sessions.has(sessionId)).map((entry) => entry.client.clientId);
  }

  /** One batch of the session's output, to the clients the host sends it to. */
  sendOutput(sessionId: string, seq: number, data: string, to: readonly string[]): void {
    for (const clientId of to) this.clients.get(clientId)?.client.send('terminal.data', { sessionId, seq, data });
  }

  /** The host dropped the client from the session (it fell behind): it is told to attach again. */
  dropped(clientId: string, sessionId: string, reason: 'slow'): void {
    const entry = this.clients.get(clientId);
    entry?.sessions.delete(sessionId);
    entry?.client.send('terminal.detached', { sessionId, reason });
  }

  dispose(): void {
    for (const entry of this.clients.values()) entry.closed.dispose();
    this.clients.clear();
  }
}
