import { Board } from './features/board/Board';
import { ProjectSidebar } from './features/projects/ProjectSidebar';
import { Notices } from './components/Notices';
import { useAppStore } from './stores/appStore';

export function App() {
  const connection = useAppStore((s) => s.connection);
  const info = useAppStore((s) => s.info);
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
