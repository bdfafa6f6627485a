import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';
import { useTerminals } from './terminalsContext';

/**
 * Keeps the sessions of every project loaded while connected: the cards say which agents are
 * live, and the Terminals view lists every live one. Later changes arrive as session events.
 */
export function useProjectSessions(): void {
  const { loadProject } = useTerminals();
  const connection = useAppStore((s) => s.connection);
  const projectIds = useAppStore((s) => s.projects.map((p) => p.id).join('\n'));
  useEffect(() => {
    if (connection !== 'open' || projectIds === '') return;
    for (const id of projectIds.split('\n')) void loadProject(id);
  }, [connection, projectIds, loadProject]);
}
