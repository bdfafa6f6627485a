import { use, useEffect, useRef, useState } from 'react';
import { Loadable } from '../../components/Loadable';
import { Loading } from '../../components/Loading';
import { StateBadge } from './StateBadge';
import { useSessionStore } from './sessionStore';
import type { TerminalRegistry } from './terminalRegistry';
import { useTerminals } from './terminalsContext';

/** The key that moves focus out of a pane and back into it, as F6 moves between parts in VS Code. */
export const PANE_FOCUS_KEY = 'F6';

/** Search in the pane's screen and scrollback: Enter next, Shift+Enter previous, Escape closes. */
function PaneSearch({ registry, sessionId, onClose }: { registry: TerminalRegistry; sessionId: string; onClose: () => void }) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const find = (direction: 'next' | 'previous', value = text) => setFound(value === '' ? null : registry.find(sessionId, value, direction));
  const close = () => {
    registry.endFind(sessionId);
    onClose();
  };
  return (
    <div className="pane-search" role="search">
      <input
        ref={input}
        type="search"
        aria-label="Find in terminal"
        placeholder="Find"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          find('next', event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') find(event.shiftKey ? 'previous' : 'next');
          else if (event.key === 'Escape') close();
          else return;
          event.preventDefault();
          event.stopPropagation();
        }}
      />
      <span className="muted pane-search-status" aria-live="polite">
        {found === false ? 'No match' : ''}
      </span>
      <button type="button" onClick={() => find('previous')} aria-label="Previous match" title="Shift+Enter">
        ↑
      </button>
      <button type="button" onClick={() => find('next')} aria-label="Next match" title="Enter">
        ↓
      </button>
      <button type="button" onClick={close} aria-label="Close search" title="Escape">
        ×
      </button>
    </div>
  );
}

/**
 * One session's terminal. The xterm lives in the registry; this only lends it a place on screen.
 * The first pane to open loads xterm.js; until it is in, the pane's place says so.
 */
export function TerminalPane({ sessionId, focused }: { sessionId: string; focused: boolean }) {
  return (
    <Loadable
      what="the terminal"
      fallback={
        <section className="terminal-pane" aria-label={`Terminal of session ${sessionId}`} aria-busy="true">
          <Loading what="the terminal" />
        </section>
      }
    >
      <LoadedPane sessionId={sessionId} focused={focused} />
    </Loadable>
  );
}

function LoadedPane({ sessionId, focused }: { sessionId: string; focused: boolean }) {
  const { terminalRegistry, stop, restart, interrupt, closePane } = useTerminals();
  const registry = use(terminalRegistry());
  const container = useRef<HTMLDivElement>(null);
  const header = useRef<HTMLElement>(null);
  const running = useSessionStore((s) => s.sessions[sessionId]?.endedAt === null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    registry.mount(sessionId, element);
    return () => registry.unmount(sessionId);
  }, [registry, sessionId]);

  useEffect(() => {
    if (focused) registry.focus(sessionId);
  }, [registry, sessionId, focused]);

  useEffect(() => registry.onFind(sessionId, () => setSearching(true)), [registry, sessionId]);

  // F6 in the terminal moves focus to the pane's header; F6 anywhere outside a text field brings
  // it back into the focused pane. Tab and Shift+Tab stay with the agent.
  useEffect(() => registry.onLeave(sessionId, () => header.current?.querySelector<HTMLElement>('button')?.focus()), [registry, sessionId]);
  useEffect(() => {
    if (!focused) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== PANE_FOCUS_KEY || event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
      if (registry.hasFocus(sessionId) || document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      registry.focus(sessionId);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry, sessionId, focused]);

  return (
    <section
      className={`terminal-pane${focused ? ' focused' : ''}`}
      aria-label={`Terminal of session ${sessionId}`}
      onMouseDown={() => useSessionStore.setState({ active: sessionId })}
    >
      <header className="terminal-pane-header" ref={header}>
        <StateBadge sessionId={sessionId} />
        <span className="terminal-pane-actions">
          <button type="button" onClick={() => setSearching(true)} title="Find in terminal (Ctrl+F)" aria-label="Find in terminal">
            Find
          </button>
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
      {searching && <PaneSearch registry={registry} sessionId={sessionId} onClose={() => setSearching(false)} />}
      <div className="terminal-container" ref={container} />
    </section>
  );
}
