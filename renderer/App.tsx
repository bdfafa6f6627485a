import { Board } from './features/board/Board';
import { TaskSessionView } from './features/terminals/TaskSessionView';
import { TerminalsView } from './features/terminals/TerminalsView';
import { useSessionStore } from './features/terminals/sessionStore';
import { ProjectSidebar } from './features/projects/ProjectSidebar';
import { Notices } from './components/Notices';
import { StorageBanner } from './components/StorageBanner';
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
  const taskView = useSessionStore((s) => s.taskView);
  const view = useSessionStore((s) => s.view);
  return (
    <div className="app">
      <ProjectSidebar />
      <main className="main">
        {connection !== 'open' && (
          <div className="banner" role="status">
            {connection === 'connecting' ? 'Connecting to Switchyard…' : 'Connection lost; reconnecting…'}
          </div>
        )}
        <StorageBanner />
        <nav className="views" aria-label="Views">
          {(['board', 'terminals'] as const).map((name) => (
            <button
              key={name}
              type="button"
              className={!taskView && view === name ? 'tab active' : 'tab'}
              onClick={() => useSessionStore.setState({ view: name, taskView: null })}
            >
              {name === 'board' ? 'Board' : 'Terminals'}
            </button>
          ))}
        </nav>
        {taskView ? <TaskSessionView taskId={taskView} /> : view === 'board' ? <Board /> : <TerminalsView />}
        <footer className="statusbar">
          {info ? `Switchyard ${info.version} · ${info.mode} · data in ${info.dataDir}` : ''}
        </footer>
      </main>
      <Notices />
    </div>
  );
}
