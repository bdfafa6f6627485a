import { useEffect, useRef } from 'react';
import { StateBadge } from './StateBadge';
import { useSessionStore } from './sessionStore';
import { useTerminals } from './terminalsContext';

/** One session's terminal. The xterm lives in the registry; this only lends it a place on screen. */
export function TerminalPane({ sessionId, focused }: { sessionId: string; focused: boolean }) {
  const { registry, stop, restart, interrupt, closePane } = useTerminals();
  const container = useRef<HTMLDivElement>(null);
  const running = useSessionStore((s) => s.sessions[sessionId]?.endedAt === null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    registry.mount(sessionId, element);
    return () => registry.unmount(sessionId);
  }, [registry, sessionId]);

  useEffect(() => {
    if (focused) registry.focus(sessionId);
  }, [registry, sessionId, focused]);

  return (
    <section
      className={`terminal-pane${focused ? ' focused' : ''}`}
      aria-label={`Terminal of session ${sessionId}`}
      onMouseDown={() => useSessionStore.setState({ active: sessionId })}
    >
      <header className="terminal-pane-header">
        <StateBadge sessionId={sessionId} />
        <span className="terminal-pane-actions">
          {running ? (
            <>
              <button type="button" onClick={() => void interrupt(sessionId)} title="Send Ctrl-C">
                Interrupt
              </button>
              <button type="button" onClick={() => void stop(sessionId)}>
                Stop
              </button>
            </>
          ) : (
            <button type="button" onClick={() => void restart(sessionId)}>
              Restart
            </button>
          )}
          <button type="button" className="danger-link" onClick={() => closePane(sessionId)} aria-label="Close pane">
            ×
          </button>
        </span>
      </header>
      <div className="terminal-container" ref={container} />
    </section>
  );
}
