import type { Session } from '../../../shared/contract';
import { reloadOnRetry } from '../../components/lazyNamed';
import type { RpcClient } from '../../rpc/client';
import { guarded } from '../../stores/appStore';
import { closePane, openPane, rememberSession, useSessionStore } from './sessionStore';
import type { TerminalRegistry } from './terminalRegistry';

/** Session calls for the UI, and the events that keep the session store current. */
export function createSessionActions(client: RpcClient) {
  // xterm.js and its addons load with the first pane that opens, not with the board.
  let registry: Promise<TerminalRegistry> | undefined;
  /** The window's terminals, loaded the first time it is asked for; the same promise after that. */
  const terminalRegistry = (): Promise<TerminalRegistry> => {
    registry ??= import('./terminalRegistry').then(
      (m) => new m.TerminalRegistry(client),
      (error: unknown) => {
        // A failed load is tried again at the pane's "Try again" (or the next reload of the page).
        reloadOnRetry(() => (registry = undefined));
        throw error;
      },
    );
    return registry;
  };

  // session.changed carries the whole session, also the ended one after session.exited.
  client.on('session.changed', rememberSession);
  client.on('session.state', ({ sessionId, change }) => {
    useSessionStore.setState((s) => ({ latest: { ...s.latest, [sessionId]: change } }));
  });

  const guard = guarded;

  /** Remembers sessions with the latest state change of each of those listed in `withHistory`. */
  const remember = async (sessions: Session[], withHistory: Session[]) => {
    for (const session of sessions) rememberSession(session);
    const histories = await Promise.all(withHistory.map((s) => client.call('sessions.history', { sessionId: s.id })));
    useSessionStore.setState((s) => {
      const latest = { ...s.latest };
      withHistory.forEach((session, i) => {
        const last = histories[i]?.at(-1);
        if (last) latest[session.id] = last;
      });
      return { latest };
    });
  };

  /** Loads a task's sessions; returns the newest. */
  const loadTask = async (taskId: string) => {
    const sessions = await client.call('sessions.list', { taskId });
    await remember(sessions, sessions);
    return sessions.at(-1);
  };

  /**
   * Loads a project's sessions, so that its cards know which agents are live and which ended ones
   * can be resumed; the state history is read for the live ones only (what a question says).
   */
  const loadProject = async (projectId: string) => {
    const sessions = await client.call('sessions.list', { projectId });
    await remember(
      sessions,
      sessions.filter((s) => s.endedAt === null),
    );
  };

  /** Loads every live session of every project, for the Terminals view. */
  const loadLive = async () => {
    const sessions = await client.call('sessions.live', {});
    await remember(sessions, sessions);
  };

  return {
    client,
    terminalRegistry,
    loadTask: guard(loadTask),
    loadProject: guard(loadProject),
    loadLive: guard(loadLive),
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
    /** Continues the task's ended agent in its session and shows the task beside that pane. */
    resumeTask: guard(async (taskId: string, sessionId: string) => {
      rememberSession(await client.call('sessions.resume', { sessionId }));
      useSessionStore.setState({ taskView: taskId });
      openPane(sessionId);
    }),
    interrupt: guard((sessionId: string) => client.call('sessions.interrupt', { sessionId })),
    closePane: (sessionId: string) => {
      void registry?.then((terminals) => terminals.dispose(sessionId));
      closePane(sessionId);
    },
  };
}

export type SessionActions = ReturnType<typeof createSessionActions>;
