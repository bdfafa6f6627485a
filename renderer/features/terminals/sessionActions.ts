import type { RpcClient } from '../../rpc/client';
import { guarded } from '../../stores/appStore';
import { closePane, openPane, rememberSession, useSessionStore } from './sessionStore';
import { TerminalRegistry } from './terminalRegistry';

/** Session calls for the UI, and the events that keep the session store current. */
export function createSessionActions(client: RpcClient) {
  const registry = new TerminalRegistry(client);

  // session.changed carries the whole session, also the ended one after session.exited.
  client.on('session.changed', rememberSession);
  client.on('session.state', ({ sessionId, change }) => {
    useSessionStore.setState((s) => ({ latest: { ...s.latest, [sessionId]: change } }));
  });

  const guard = guarded;

  /** Loads a task's sessions; returns the newest. */
  const loadTask = async (taskId: string) => {
    const sessions = await client.call('sessions.list', { taskId });
    for (const session of sessions) rememberSession(session);
    const histories = await Promise.all(sessions.map((s) => client.call('sessions.history', { sessionId: s.id })));
    useSessionStore.setState((s) => {
      const latest = { ...s.latest };
      sessions.forEach((session, i) => {
        const last = histories[i]?.at(-1);
        if (last) latest[session.id] = last;
      });
      return { latest };
    });
    return sessions.at(-1);
  };

  return {
    client,
    registry,
    loadTask: guard(loadTask),
    /** Opens the task beside its newest session's pane, starting one when it has none running. */
    openTask: guard(async (taskId: string, start: boolean) => {
      let session = await loadTask(taskId);
      if (start && (!session || session.endedAt !== null)) {
        session = await client.call('sessions.start', { taskId });
        rememberSession(session);
      }
      useSessionStore.setState({ taskView: taskId });
      if (session) openPane(session.id);
    }),
    start: guard(async (taskId: string) => {
      const session = await client.call('sessions.start', { taskId });
      rememberSession(session);
      openPane(session.id);
      return session;
    }),
    stop: guard(async (sessionId: string) => rememberSession(await client.call('sessions.stop', { sessionId }))),
    restart: guard(async (sessionId: string) => rememberSession(await client.call('sessions.restart', { sessionId }))),
    resume: guard(async (sessionId: string) => rememberSession(await client.call('sessions.resume', { sessionId }))),
    interrupt: guard((sessionId: string) => client.call('sessions.interrupt', { sessionId })),
    closePane: (sessionId: string) => {
      registry.dispose(sessionId);
      closePane(sessionId);
    },
  };
}

export type SessionActions = ReturnType<typeof createSessionActions>;
