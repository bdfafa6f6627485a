import type { StateChange } from '../../../shared/contract';
import { useSessionStore } from './sessionStore';

const SOURCE_WORDS: Record<StateChange['source'], string> = {
  hook: "the agent's own hook",
  title: 'the terminal title',
  screen: 'what is on the screen',
  exit: 'the process exit',
  watchdog: 'the idle watchdog',
  host: 'the session host',
};

/** The state of a session; hovering tells why Switchyard believes it. */
export function StateBadge({ sessionId }: { sessionId: string }) {
  const change = useSessionStore((s) => s.latest[sessionId]);
  const session = useSessionStore((s) => s.sessions[sessionId]);
  const state = change?.state ?? session?.state ?? 'starting';
  const source = change?.source ?? session?.stateSource ?? 'host';
  const at = change?.at ?? session?.stateAt;
  const why = `${state} — from ${SOURCE_WORDS[source]}${change?.detail ? `: ${change.detail}` : ''}${at ? ` (${new Date(at).toLocaleTimeString()})` : ''}`;
  return (
    <span className={`state-badge state-${state}`} title={why} data-state={state} data-source={source}>
      {state.replace('_', ' ')}
    </span>
  );
}
