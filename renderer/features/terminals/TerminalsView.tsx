import { useEffect, useMemo, useState } from 'react';
import { useActions } from '../../stores/actionsContext';
import { useAppStore } from '../../stores/appStore';
import { liveSessions } from './liveSessions';
import { StateBadge } from './StateBadge';
import { TerminalPane } from './TerminalPane';
import { cyclePane, openPane, useSessionStore } from './sessionStore';

/** Titles of the tasks whose sessions are listed: from the board when it holds them, else asked once. */
function useTaskTitles(taskIds: readonly string[]): (taskId: string) => string | undefined {
  const { client } = useActions();
  const tasks = useAppStore((s) => s.tasks);
  const [fetched, setFetched] = useState<Record<string, string>>({});
  const onBoard = useMemo(() => new Map(tasks.map((t) => [t.id, t.title])), [tasks]);
  const missing = taskIds.filter((id) => !onBoard.has(id) && !(id in fetched)).join('\n');
  useEffect(() => {
    if (missing === '') return;
    let current = true;
    void Promise.all(missing.split('\n').map((id) => client.call('tasks.get', { id }).catch(() => null))).then((found) => {
      if (!current) return;
      const titles: Record<string, string> = {};
      for (const task of found) if (task) titles[task.id] = task.title;
      setFetched((f) => ({ ...f, ...titles }));
    });
    return () => {
      current = false;
    };
  }, [client, missing]);
  return (taskId) => onBoard.get(taskId) ?? (Object.hasOwn(fetched, taskId) ? fetched[taskId] : undefined);
}

/** The live agents whose pane is not open, each a button that opens it. */
function OtherLiveAgents({ ids, title }: { ids: readonly string[]; title: (sessionId: string) => string }) {
  if (ids.length === 0) return null;
  return (
    <ul className="live-agents" aria-label="Live agents">
      {ids.map((id) => (
        <li key={id}>
          <button type="button" onClick={() => openPane(id)} aria-label={`Show the live agent of ${title(id)}`}>
            {title(id)} <StateBadge sessionId={id} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * The open panes, as tabs (one visible) or as a grid (all visible), and every other live agent, one
 * click from its pane. Hidden tabs are unmounted, so they are detached and get no output. Keys:
 * Ctrl+Shift+] / [ next / previous pane, Alt+1…9 a pane by number, Ctrl+Shift+G toggles the grid.
 */
export function TerminalsView() {
  const open = useSessionStore((s) => s.open);
  const active = useSessionStore((s) => s.active);
  const layout = useSessionStore((s) => s.layout);
  const sessions = useSessionStore((s) => s.sessions);
  const others = useMemo(() => liveSessions(sessions).filter((s) => !open.includes(s.id)).map((s) => s.id), [sessions, open]);
  const listedTasks = useMemo(() => [...open, ...others].map((id) => sessions[id]?.taskId).filter((id) => id !== undefined), [open, others, sessions]);
  const titleOfTask = useTaskTitles(listedTasks);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey && event.shiftKey && (event.key === ']' || event.key === '}')) cyclePane(1);
      else if (event.ctrlKey && event.shiftKey && (event.key === '[' || event.key === '{')) cyclePane(-1);
      else if (event.ctrlKey && event.shiftKey && event.key.toLowerCase() === 'g')
        useSessionStore.setState((s) => ({ layout: s.layout === 'grid' ? 'tabs' : 'grid' }));
      else if (event.altKey && /^[1-9]$/.test(event.key)) {
        const id = useSessionStore.getState().open[Number(event.key) - 1];
        if (id) useSessionStore.setState({ active: id });
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const title = (id: string) => titleOfTask(sessions[id]?.taskId ?? '') ?? id.slice(0, 8);
  if (open.length === 0) {
    return (
      <section className="terminals" aria-label="Terminals">
        <OtherLiveAgents ids={others} title={title} />
        <p className="muted terminals-empty">{others.length > 0 ? 'No pane open: pick a live agent above.' : 'No terminal open. Start a task from the board.'}</p>
      </section>
    );
  }

  const visible = layout === 'grid' ? open : open.filter((id) => id === active);

  return (
    <section className="terminals" aria-label="Terminals">
      <OtherLiveAgents ids={others} title={title} />
      <div className="terminal-tabs" role="tablist">
        {open.map((id, index) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={id === active}
            className={id === active ? 'tab active' : 'tab'}
            onClick={() => useSessionStore.setState({ active: id })}
            title={`Alt+${index + 1}`}
          >
            {title(id)} <StateBadge sessionId={id} />
          </button>
        ))}
        <button
          type="button"
          className="layout-toggle"
          onClick={() => useSessionStore.setState({ layout: layout === 'grid' ? 'tabs' : 'grid' })}
          title="Ctrl+Shift+G"
        >
          {layout === 'grid' ? 'Tabs' : 'Grid'}
        </button>
      </div>
      <div className={`terminal-panes layout-${layout}`} data-count={visible.length}>
        {visible.map((id) => (
          <TerminalPane key={id} sessionId={id} focused={id === active} />
        ))}
      </div>
    </section>
  );
}
