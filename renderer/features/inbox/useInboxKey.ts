import { useEffect } from 'react';
import { useSessionStore } from '../terminals/sessionStore';
import { nextWaiting, useInboxStore } from './inboxStore';

/** Alt+N, wherever the focus is (a terminal too): the inbox, at the next waiting agent. */
export function useInboxKey(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== 'KeyN') return;
      event.preventDefault();
      event.stopPropagation();
      const { items, selected } = useInboxStore.getState();
      const inInbox = useSessionStore.getState().view === 'inbox' && useSessionStore.getState().taskView === null;
      // Opening the inbox shows the selected one first; once there, each press moves on.
      const next = inInbox ? nextWaiting(items, selected) : (items.find((i) => i.sessionId === selected) ?? items[0])?.sessionId ?? null;
      useInboxStore.setState({ selected: next });
      useSessionStore.setState({ view: 'inbox', taskView: null });
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
