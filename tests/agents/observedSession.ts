import { afterEach } from 'vitest';
import type { AgentKind } from '../../shared/contract';
import type { AgentServices } from '../../electron/core/agents/agentServices';
import type { StateObserver } from '../../electron/core/agents/stateObserver';
import { TerminalDriver } from './terminalDriver';

const open: { driver: TerminalDriver; observer: StateObserver; services: AgentServices }[] = [];
afterEach(async () => {
  for (const { driver, observer, services } of open.splice(0)) {
    driver.dispose();
    observer.dispose();
    await services.dispose();
  }
});

/**
 * One session the way the host observes it: the agent services' state observer on a terminal
 * driver, with the conversation ids its hooks report; all of it disposed after the test.
 */
export function observedSession(services: AgentServices, kind: AgentKind, options: { hooks: boolean; sessionId?: string }) {
  const sessionId = options.sessionId ?? `s-${Math.random().toString(36).slice(2)}`;
  const agentSessionIds: string[] = [];
  const observer = services.createStateObserver({
    kind,
    sessionId,
    hooks: options.hooks,
    onChange: (change) => driver.changes.push(change),
    onAgentSessionId: (id) => agentSessionIds.push(id),
  });
  const driver = new TerminalDriver(observer);
  open.push({ driver, observer, services });
  return { sessionId, observer, driver, agentSessionIds };
}
