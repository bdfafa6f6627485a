import { Board } from './features/board/Board';
import { Loadable } from './components/Loadable';
import { lazyNamed } from './components/lazyNamed';
import { CommandPalette, usePaletteKeys, useShortcutSheetKey } from './features/keyboard/CommandPalette';
import { ShortcutSheet } from './features/keyboard/ShortcutSheet';
import { useInboxStore } from './features/inbox/inboxStore';
import { useInboxKey } from './features/inbox/useInboxKey';
import { useSessionStore } from './features/terminals/sessionStore';
import { ProjectSidebar } from './features/projects/ProjectSidebar';
import { Notices } from './components/Notices';
import { NotificationPromptBar } from './features/notify/NotificationPromptBar';
import { useNotifyWiring } from './features/notify/useNotifyWiring';
import { useProjectSessions } from './features/terminals/useProjectSessions';
import { StorageBanner } from './components/StorageBanner';
import { useAppStore } from './stores/appStore';
import { useUsageWiring } from './features/usage/usageStore';

// The first screen is the board: the other views load their code when first shown.
const InboxView = lazyNamed(() => import('./features/inbox/InboxView'), 'InboxView');
const UsagePage = lazyNamed(() => import('./features/usage/UsagePage'), 'UsagePage');
const TaskSessionView = lazyNamed(() => import('./features/terminals/TaskSessionView'), 'TaskSessionView');
const TerminalsView = lazyNamed(() => import('./features/terminals/TerminalsView'), 'TerminalsView');

const VIEW_LABELS = { board: 'Board', terminals: 'Terminals', inbox: 'Inbox', usage: 'Usage' } as const;

export function App() {
  const connection = useAppStore((s) => s.connection);
  const info = useAppStore((s) => s.info);
  useNotifyWiring();
  useProjectSessions();
  useUsageWiring();
  useInboxKey();
  const waiting = useInboxStore((s) => s.items.length);
  const taskView = useSessionStore((s) => s.taskView);
  const view = useSessionStore((s) => s.view);
  const [paletteOpen, closePalette] = usePaletteKeys();
  const [sheetOpen, closeSheet] = useShortcutSheetKey();
  return (
    <div className="app">
      <ProjectSidebar />
      <main className="main">
        {connection === 'unauthorized' ? (
          <div className="banner error" role="alert">
            Switchyard no longer accepts this tab&apos;s token: it was changed with <code>switchyard serve --new-token</code>, or this
            server keeps another data folder. Open the address that <code>switchyard serve</code> printed.
          </div>
        ) : (
          connection !== 'open' && (
            <div className="banner" role="status">
              {connection === 'connecting' ? 'Connecting to Switchyard…' : 'Connection lost; reconnecting…'}
            </div>
          )
        )}
        <NotificationPromptBar />
        <StorageBanner />
        <nav className="views" aria-label="Views">
          {(['board', 'terminals', 'inbox', 'usage'] as const).map((name) => (
            <button
              key={name}
              type="button"
              className={!taskView && view === name ? 'tab active' : 'tab'}
              onClick={() => useSessionStore.setState({ view: name, taskView: null })}
              {...(name === 'inbox' ? { 'aria-label': `Inbox, ${waiting} waiting`, title: 'Agents waiting for you (Alt+N: the next one)' } : {})}
            >
              {name === 'inbox' && waiting > 0 ? `Inbox (${waiting})` : VIEW_LABELS[name]}
            </button>
          ))}
        </nav>
        <Loadable what="the view" key={taskView ?? view}>
          {taskView ? (
            <TaskSessionView taskId={taskView} />
          ) : view === 'board' ? (
            <Board />
          ) : view === 'inbox' ? (
            <InboxView />
          ) : view === 'usage' ? (
            <UsagePage />
          ) : (
            <TerminalsView />
          )}
        </Loadable>
        <footer className="statusbar">
          {info ? `Switchyard ${info.version} · ${info.mode} · data in ${info.dataDir}` : ''}
        </footer>
      </main>
      <Notices />
      {paletteOpen && <CommandPalette onClose={closePalette} />}
      {sheetOpen && <ShortcutSheet onClose={closeSheet} />}
    </div>
  );
}
