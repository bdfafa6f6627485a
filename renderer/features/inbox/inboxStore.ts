import { create } from 'zustand';
import type { InboxItem } from '../../../shared/contract';
import type { RpcClient } from '../../rpc/client';
import { reportError } from '../../stores/appStore';

interface InboxState {
  /** Every agent waiting for the user, the oldest first, as the core pushes it. */
  items: InboxItem[];
  /** The item the keys act on (its session id); the first when none was picked. */
  selected: string | null;
}

export const useInboxStore = create<InboxState>(() => ({ items: [], selected: null }));

/** The session of the item after the selected one (the first after the last), or null when none waits. */
export function nextWaiting(items: readonly InboxItem[], selected: string | null): string | null {
  if (items.length === 0) return null;
  const at = items.findIndex((i) => i.sessionId === selected);
  return items[(at + 1) % items.length]!.sessionId;
}

/** The selected item, or the oldest when the selection is gone. */
export function selectedItem(items: readonly InboxItem[], selected: string | null): InboxItem | null {
  return items.find((i) => i.sessionId === selected) ?? items[0] ?? null;
}

/** Keeps the store in step with the core: the whole list at each connection, then every change. */
export function wireInbox(client: RpcClient): void {
  const load = () =>
    client
      .call('inbox.list', {})
      .then(({ items }) => useInboxStore.setState({ items }))
      .catch(reportError);
  client.on('inbox.changed', ({ items }) => useInboxStore.setState({ items }));
  client.onStatus((status) => {
    if (status === 'open') void load();
  });
  if (client.status === 'open') void load();
}
