import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';
import { useTerminals } from './terminalsContext';

/**
 * Keeps the sessions the views need loaded while connected: every live one (the Terminals view
 * lists them all) and all of the selected project's (its cards say which agent is live and which
 * ended one can be resumed). Later changes arrive as session events.
 */
export function useProjectSessions(): void {
  const { loadProject, loadLive } = useTerminals();
  const connection = useAppStore((s) => s.connection);
  const selected = useAppStore((s) => s.selectedProjectId);
  useEffect(() => {
    if (connection === 'open') void loadLive();
  }, [connection, loadLive]);
  useEffect(() => {
    if (connection === 'open' && selected) void loadProject(selected);
  }, [connection, selected, loadProject]);
}
