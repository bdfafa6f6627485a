import { useEffect } from 'react';
import { useActions } from '../../stores/actionsContext';
import { useAppStore } from '../../stores/appStore';
import { useInboxStore } from '../inbox/inboxStore';
import { useSessionStore } from '../terminals/sessionStore';
import { focusedTaskId, userCanSee } from './focusReport';
import { tabTitle } from './tabTitle';

/** Keeps the tab title's count, and the core's idea of which task the user looks at, up to date. */
export function useNotifyWiring(): void {
  const actions = useActions();
  // The agents in the inbox: an answered one leaves the count at once, before its agent moves on.
  const waiting = useInboxStore((s) => s.items.length);
  const mode = useAppStore((s) => s.info?.mode);
  // A new connection is a new client to the core: it reports again.
  const connection = useAppStore((s) => s.connection);
  const openTaskId = useAppStore((s) => s.openTaskId);
  const focused = useSessionStore((s) =>
    focusedTaskId({
      taskView: s.taskView,
      view: s.view,
      activePaneTaskId: s.active ? (s.sessions[s.active]?.taskId ?? null) : null,
      openTaskId,
    }),
  );
  useEffect(() => {
    document.title = tabTitle(waiting);
  }, [waiting]);
  useEffect(() => {
    const report = () =>
      actions.reportFocus(focused, userCanSee(mode, { hasFocus: document.hasFocus(), visible: document.visibilityState === 'visible' }));
    report();
    window.addEventListener('focus', report);
    window.addEventListener('blur', report);
    document.addEventListener('visibilitychange', report);
    return () => {
      window.removeEventListener('focus', report);
      window.removeEventListener('blur', report);
      document.removeEventListener('visibilitychange', report);
    };
  }, [actions, focused, mode, connection]);
}
