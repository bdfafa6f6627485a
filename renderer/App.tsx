import { Board } from './features/board/Board';
import { ProjectSidebar } from './features/projects/ProjectSidebar';
import { Notices } from './components/Notices';
import { useEffect } from 'react';
import { useActions } from './stores/actionsContext';
import { useAppStore } from './stores/appStore';

/** Keeps the tab title's count and the main side's idea of what the user looks at up to date. */
function useAttention() {
  const actions = useActions();
  const badge = useAppStore((s) => s.attention?.badge ?? 0);
  const openTaskId = useAppStore((s) => s.openTaskId);
  useEffect(() => {
    document.title = badge > 0 ? `(${badge}) Switchyard` : 'Switchyard';
  }, [badge]);
  useEffect(() => {
    const report = () => actions.reportFocus(openTaskId, document.hasFocus());
    report();
    window.addEventListener('focus', report);
    window.addEventListener('blur', report);
    return () => {
      window.removeEventListener('focus', report);
      window.removeEventListener('blur', report);
    };
  }, [actions, openTaskId]);
}

export function App() {
  const connection = useAppStore((s) => s.connection);
  const info = useAppStore((s) => s.info);
  useAttention();
  return (
    <div className="app">
      <ProjectSidebar />
      <main className="main">
        {connection !== 'open' && (
          <div className="banner" role="status">
            {connection === 'connecting' ? 'Connecting to Switchyard…' : 'Connection lost; reconnecting…'}
          </div>
        )}
        <Board />
        <footer className="statusbar">
          {info ? `Switchyard ${info.version} · ${info.mode} · data in ${info.dataDir}` : ''}
        </footer>
      </main>
      <Notices />
    </div>
  );
}
