import type { ClientContext } from '../clientContext';
import type { Disposable } from '../disposable';

/**
 * What each client (a window, a browser tab) shows the user now, as it reports it: the task whose
 * pane or view it has in front, and whether its window has the focus. A client that goes away
 * shows nothing.
 */
export class ClientFocus implements Disposable {
  private readonly clients = new Map<string, { taskId: string | null; windowFocused: boolean; closed: Disposable }>();

  report(client: ClientContext, taskId: string | null, windowFocused: boolean): void {
    const known = this.clients.get(client.clientId);
    const closed = known?.closed ?? client.onClose(() => this.clients.delete(client.clientId));
    this.clients.set(client.clientId, { taskId, windowFocused, closed });
  }

  /** Some client has this task in front of the user, in a focused window. */
  looking(taskId: string): boolean {
    for (const focus of this.clients.values()) if (focus.windowFocused && focus.taskId === taskId) return true;
    return false;
  }

  dispose(): void {
    for (const focus of this.clients.values()) focus.closed.dispose();
    this.clients.clear();
  }
}
