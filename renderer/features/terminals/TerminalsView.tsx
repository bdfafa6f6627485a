import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';
import { StateBadge } from './StateBadge';
import { TerminalPane } from './TerminalPane';
import { cyclePane, useSessionStore } from './sessionStore';

/**
 * The open panes, as tabs (one visible) or as a grid (all visible). Hidden tabs are unmounted, so
 * they are detached and get no output. Keys: Ctrl+Shift+] / [ next / previous pane, Alt+1…9 a pane
 * by number, Ctrl+Shift+G toggles the grid.
 */
export function TerminalsView() {
  const open = useSessionStore((s) => s.open);
  const active = useSessionStore((s) => s.active);
  const layout = useSessionStore((s) => s.layout);
  const sessions = useSessionStore((s) => s.sessions);
  const tasks = useAppStore((s) => s.tasks);

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

  if (open.length === 0) return <p className="muted terminals-empty">No terminal open. Start a task from the board.</p>;

  const title = (id: string) => tasks.find((t) => t.id === sessions[id]?.taskId)?.title ?? id.slice(0, 8);
  const visible = layout === 'grid' ? open : open.filter((id) => id === active);

  return (
    <section className="terminals" aria-label="Terminals">
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
