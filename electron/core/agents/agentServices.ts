import type { AgentKind } from '../../../shared/contract';
import type { StateChange } from '../../../shared/contract/sessionState';
import type { Disposable } from '../disposable';
import type { LaunchContext, LaunchTask, ResolvedLaunch } from './adapter';
import { createHookServer } from './hookServer';
import { agentInstallation, type AgentInstallation } from './installed';
import { createAgentLauncher, type AgentLauncherOptions } from './launcher';
import { permissionAnswerer, type DecidePermission } from './permissionHook';
import { createStateObserver, type Clock, type StateObserver } from './stateObserver';
import type { UsageLimit } from './usageLimits';

/**
 * Everything the session host needs from the agent side, behind one disposable: launches, state
 * observers and the hook server they share (listening only once an agent with hooks starts).
 * Built synchronously, so the composition root can own it: `const agents = createAgentServices({
 * decidePermission, … }); disposables.add(agents);`
 *
 * Per session: `launch = await agents.resolveLaunch({ kind: task.agentKind, title, prompt, cwd },
 * { sessionId, agentSessionId, resume })`, store `launch.agentSessionId`, spawn `launch.file` with
 * `launch.args` and `launch.env` in `launch.cwd`, type `launch.initialInput` once it is up; then
 * `observer = agents.createStateObserver({ kind, sessionId, hooks: launch.hooks, onChange })`,
 * created before the spawn, fed the terminal, disposed with the session; `agents.endSession(id)`
 * when the session is over for good.
 */
export interface AgentServices extends Disposable {
  /** The program, argv, environment and typed input that start (or resume) the task's agent. */
  resolveLaunch(task: LaunchTask, context: LaunchContext): Promise<ResolvedLaunch>;
  /**
   * Whether an agent kind's program is on this machine, looked for as a start of it would look (the
   * configured path, the login PATH, the usual install folders): e.g. for a plan preview to flag a
   * task whose agent is missing before it is imported.
   */
  agentInstallation(kind: AgentKind): Promise<AgentInstallation>;
  /** A per-session observer: feed it the terminal, receive state changes. */
  createStateObserver(session: SessionObservation): StateObserver;
  /** A session that is over: its hook token is refused from now on. */
  endSession(sessionId: string): void;
  /** Sessions whose hook token is still held (started and not yet ended). */
  hookSessionCount(): number;
  /** Opens the hook endpoint (at its recorded address, see `hookRecord`) for agents started before this core. */
  listenHooks(): Promise<string>;
  dispose(): Promise<void>;
}

export interface SessionObservation {
  kind: AgentKind;
  sessionId: string;
  /** ResolvedLaunch.hooks of the launch being observed. */
  hooks: boolean;
  onChange: (change: StateChange) => void;
  onAgentSessionId?: (agentSessionId: string) => void;
  /** A usage or rate limit the agent reported in this run. */
  onUsageLimit?: (limit: UsageLimit) => void;
  /** Where the agent records the conversation, as its hooks name it. */
  onTranscriptPath?: (path: string) => void;
}

export interface AgentServicesOptions extends Omit<AgentLauncherOptions, 'hookServer'> {
  /** Give agents that support them hooks that report their state (default: true). */
  hooks?: boolean;
  /** Override of IDLE_WATCHDOG_MS. */
  watchdogMs?: number;
  clock?: Clock;
  /** Answers permission requests that come through a hook (a policy); none: the agent asks the user. */
  decidePermission?: DecidePermission;
  /** Where the hook endpoint records its address and tokens, so that they outlive this core (see HookServerOptions.record). */
  hookRecord?: string;
}

export function createAgentServices(options: AgentServicesOptions = {}): AgentServices {
  const hookServer = createHookServer({
    ...(options.clock ? { now: options.clock.now } : {}),
    ...(options.decidePermission ? { answer: permissionAnswerer(options.decidePermission) } : {}),
    ...(options.hookRecord ? { record: options.hookRecord } : {}),
  });
  const launcher = createAgentLauncher({ ...options, ...(options.hooks === false ? {} : { hookServer }) });
  return {
    resolveLaunch: (task, context) => launcher.resolveLaunch(task, context),
    agentInstallation: (kind) =>
      agentInstallation(kind, {
        binaryPaths: (typeof options.binaryPaths === 'function' ? options.binaryPaths() : options.binaryPaths) ?? {},
        ...(options.pathEnv !== undefined ? { pathEnv: options.pathEnv } : {}),
        ...(options.home !== undefined ? { home: options.home } : {}),
      }),
    createStateObserver: (session) =>
      createStateObserver({
        kind: session.kind,
        sessionId: session.sessionId,
        ...(session.hooks ? { hookServer } : {}),
        onChange: session.onChange,
        ...(session.onAgentSessionId ? { onAgentSessionId: session.onAgentSessionId } : {}),
        ...(session.onUsageLimit ? { onUsageLimit: session.onUsageLimit } : {}),
        ...(session.onTranscriptPath ? { onTranscriptPath: session.onTranscriptPath } : {}),
        ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    endSession: (sessionId) => hookServer.revoke(sessionId),
    hookSessionCount: () => hookServer.sessionCount(),
    listenHooks: () => hookServer.listen(),
    dispose: () => hookServer.dispose(),
  };
}
