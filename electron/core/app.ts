import type { AppInfo } from '../../shared/contract';
import { appVersion } from './appRoot';
import { databaseFile } from './dataDir';
import { openDatabase, type DatabaseHandle } from './db/client';
import { StorageHealth } from './db/storageHealth';
import { UnsavedWrites } from './db/unsavedWrites';
import { DisposableStore, toDisposable } from './disposable';
import { EventBus } from './events';
import { consoleLogger, type Logger } from './log';
import { DependencyCache } from './cache/dependencyCache';
import { CheckService } from './checks/checkService';
import { AttentionService } from './notify/attentionService';
import { InboxService } from './policy/inboxService';
import { PolicyService, type RequestingSession } from './policy/policyService';
import { PlanImporter } from './plans/planImporter';
import { ProjectService } from './projects/projectService';
import { CoreAbsence } from './scheduler/coreAbsence';
import { SchedulerService } from './scheduler/schedulerService';
import { UsageLimitWaits } from './scheduler/usageLimitWaits';
import { Connection } from './rpc/connection';
import { createDispatcher, createMessageDelivery, type Deliver, type Dispatch } from './rpc/dispatcher';
import { createMessageRouter, createRouter } from './rpc/router';
import type { ServerMessage } from '../../shared/protocol';
import type { TaskLauncher } from './sessions/taskLauncher';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HostClient } from './sessions/hostClient';
import type { QuitChoice } from './sessions/keptRunning';
import { inProcessHost } from './sessions/hostServer';
import { connectHost, endSilentHost, hostListening, hostPaths, hostSecret } from './sessions/hostSupervisor';
import type { HostStatus } from './sessions/hostWire';
import { IdleStops } from './sessions/idleStops';
import { SessionRows } from './sessions/sessionRows';
import { SessionService } from './sessions/sessionService';
import { createAgentServices, type AgentServices } from './agents/agentServices';
import type { PermissionAnswer } from './agents/permissionHook';
import { agentPathSettingProblem, configuredAgentPaths } from './agents/installed';
import { SessionBridge } from './agents/sessionBridge';
import type { CreateTerminalObserver } from './sessions/terminalObserver';
import { FinishedScreens } from './sessions/finishedScreens';
import { TranscriptQueries } from './sessions/transcriptQueries';
import { TranscriptStore } from './sessions/transcriptStore';
import { SettingsService } from './settings/settingsService';
import { TaskGraphService } from './tasks/taskGraphService';
import { TaskLifecycle } from './tasks/taskLifecycle';
import { TaskService } from './tasks/taskService';
import { UsageService } from './usage/usageService';
import { OrphanFinder } from './worktrees/orphans';
import { RepoQueue } from './worktrees/repoQueue';
import { WorktreeReview } from './worktrees/review';
import { ConflictHelp } from './worktrees/conflictHelp';
import { SavedChangesService } from './worktrees/savedChanges';
import { TaskCheckouts } from './worktrees/taskCheckouts';
import { WorktreeSetup, type HydrateHook } from './worktrees/worktreeSetup';
import { WorktreeService } from './worktrees/worktreeService';
import { WorktreeStore } from './worktrees/worktreeStore';

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  log?: Logger;
  migrationsFolder?: string;
  /** Brings dependency folders into a new worktree instead of the dependency cache. */
  hydrate?: HydrateHook;
  /** Turns a task into the program its session runs (default: the task's agent in its worktree). */
  launcher?: TaskLauncher;
  /** Infers session states from a running session (default: the agent kind's state engine). */
  createObserver?: CreateTerminalObserver;
  /** Give agents hooks that report their state (default: true). */
  agentHooks?: boolean;
  /**
   * Where the ptys live: in the data folder's session host process, which outlives this core when
   * agents are kept running on quit (the app, serve and run), or in this process over the same
   * wire, gone with it (the default, for tests).
   */
  sessionHost?: 'process' | 'in-process';
  /**
   * Whether this core's scheduler starts tasks (default true). A CLI command's own core, which ends
   * in a moment, starts none: what it started would be stopped with it.
   */
  schedules?: boolean;
}

/** What becomes of running agents when the core is disposed. */
export type { QuitChoice };

export interface Core {
  readonly dataDir: string;
  readonly bus: EventBus;
  readonly dispatch: Dispatch;
  /** One-way messages (keystrokes, acks, resizes): validated and acted on, never answered. */
  readonly deliver: Deliver;
  readonly projects: ProjectService;
  readonly tasks: TaskService;
  readonly taskGraph: TaskGraphService;
  readonly plans: PlanImporter;
  readonly settings: SettingsService;
  readonly policy: PolicyService;
  /** Every agent waiting for the user, and the answers given to them. */
  readonly inbox: InboxService;
  readonly attention: AttentionService;
  readonly scheduler: SchedulerService;
  /** The open database, for diagnostics and maintenance (backups, integrity checks). */
  readonly database: DatabaseHandle;
  readonly worktrees: WorktreeService;
  /** The per-user dependency cache behind the hydrate phase. */
  readonly cache: DependencyCache;
  /** The project's check command, run when an agent finishes a turn, its results kept by tree. */
  readonly checks: CheckService;
  /** Tokens, cost and time per task, and the projects' budgets. */
  readonly usage: UsageService;
  readonly review: WorktreeReview;
  /** A merge conflict's ways out: the task's agent told to resolve it, or the worktree opened in the user's editor. */
  readonly conflicts: ConflictHelp;
  readonly orphans: OrphanFinder;
  readonly savedChanges: SavedChangesService;
  readonly sessions: SessionService;
  /** Searches and exports of sessions' recorded output. */
  readonly transcripts: TranscriptQueries;
  /** The ptys and their mirrors, for diagnostics (what it holds, for how many sessions). */
  readonly host: HostClient;
  /** Settles once the sessions a session host kept running through a restart are taken back. */
  readonly ready: Promise<void>;
  /** Overrides `sessions.keepRunningOnQuit` for this quit (the quit prompt's choice). */
  setQuitChoice(choice: QuitChoice): void;
  /** The agent side: launches, state observers, hook tokens. */
  readonly agents: AgentServices;
  /** Every session's output, as recorded. */
  readonly transcript: TranscriptStore;
  /** A client of any transport: give it a way to send, feed it what the client sends. */
  connect(send: (message: ServerMessage) => void): Connection;
  dispose(): Promise<void>;
}

/** The composition root: opens the database, runs migrations, builds every service. */
export function createCore(options: CoreOptions): Core {
  const log = options.log ?? consoleLogger();
  const disposables = new DisposableStore();
  const database = openDatabase(databaseFile(options.dataDir), options.migrationsFolder);
  disposables.add(toDisposable(() => database.close()));

  const bus = new EventBus();
  const projects = new ProjectService(database.db, bus);
  const settings = new SettingsService(database.db, projects, bus, agentPathSettingProblem);
  // The one writer of a task's status: every service below moves tasks by sending it events.
  const lifecycle = new TaskLifecycle(database.db, bus);
  const tasks = new TaskService(database.db, bus, projects, settings, lifecycle);
  const worktreeStore = new WorktreeStore(database.db);
  // Disposed after the setup scripts are stopped: the git operations already queued finish first.
  const repoQueue = disposables.add(new RepoQueue());
  const cache = disposables.add(new DependencyCache({ settings, projects, bus, dataDir: options.dataDir, log, worktrees: worktreeStore }));
  const hydration = options.hydrate
    ? { hydrate: options.hydrate }
    : { hydrate: cache.hydrate.bind(cache), populate: cache.populate.bind(cache) };
  const worktreeSetup = disposables.add(new WorktreeSetup(worktreeStore, bus, settings, hydration));
  const checkouts = new TaskCheckouts(worktreeStore, settings, options.dataDir);
  const worktreeParts = { store: worktreeStore, queue: repoQueue, setup: worktreeSetup, checkouts, bus, projects, tasks };
  const worktrees = new WorktreeService({ ...worktreeParts, settings });
  const review = new WorktreeReview({
    worktrees,
    store: worktreeStore,
    queue: repoQueue,
    bus,
    landed: (taskId) => lifecycle.send(taskId, 'merge.landed'),
    mergeFailed: (taskId, reason) => lifecycle.send(taskId, 'merge.failed', { reason }),
  });
  const orphans = new OrphanFinder(worktreeParts);
  const savedChanges = new SavedChangesService({ ...worktreeParts, settings });
  const taskGraph = new TaskGraphService(database.db, bus, projects);
  // The preview flags tasks whose agent is not installed, by the lookup a start does (the agents come later here).
  const plans = disposables.add(new PlanImporter(database.db, bus, projects, settings, lifecycle, (kind) => agents.agentInstallation(kind)));
  const policy = new PolicyService({
    settings,
    tasks,
    session: (sessionId): RequestingSession => sessions.get(sessionId),
    // The task's activity: the log of its worktree, which every started task has.
    activity: (taskId, kind, message, details) => {
      const worktree = worktreeStore.latest(taskId);
      if (worktree === undefined) throw new Error(`task ${taskId} has no worktree to keep its activity`);
      worktreeStore.log(worktree, kind, message, details);
    },
    log,
  });
  const agents = disposables.add(
    createAgentServices({
      ...(options.agentHooks === false ? { hooks: false } : {}),
      // Beside the session host's agents: the address and tokens outlive this core.
      ...((options.sessionHost ?? 'in-process') === 'process' ? { hookRecord: join(options.dataDir, 'hooks.json') } : {}),
      decidePermission: (request, signal): PermissionAnswer | null | Promise<PermissionAnswer | null> => {
        const verdict = policy.decide(request.sessionId, request.tool, request.input);
        // No rule decides: the question waits in the inbox, its hook's reply held for the user's answer.
        if (verdict.decision === 'ask') return inbox.hold(request, signal);
        return verdict.decision === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: `Refused by the rule ${verdict.rule}.` };
      },
      // Where each agent's program is, as the user set it: read at every launch, so a change applies to the next start.
      binaryPaths: () => configuredAgentPaths((key) => settings.value(key)),
    }),
  );
  const bridge = new SessionBridge({
    agents,
    prepareWorkspace: (task) => worktrees.prepare(task),
    onAgentSessionId: (sessionId, agentSessionId) => sessions.recordAgentSessionId(sessionId, agentSessionId),
    onUsageLimit: (sessionId, limit) => limitWaits.reported(sessionId, limit),
    onTranscriptPath: (sessionId, path) => usage.transcriptReported(sessionId, path),
    permissionPreset: (task) => settings.value('policy.preset', task.projectId),
  });
  // Told once when writes start failing (a full disk) and once when everything held is written.
  const storage = new StorageHealth((status) => bus.emit('storage.changed', status));
  const inProcess = (options.sessionHost ?? 'in-process') === 'in-process';
  let quitChoice: QuitChoice | undefined;
  const secret = inProcess ? randomBytes(32).toString('hex') : hostSecret(hostPaths(options.dataDir));
  const host: HostClient = new HostClient({
    connect: inProcess ? inProcessHost(secret, log) : async () => (await connectHost(options.dataDir))!,
    secret,
    createObserver: (session, report) => {
      const create: CreateTerminalObserver =
        options.createObserver ??
        ((watched, told) => {
          // A session the host kept running through a restart of the core: watched as its agent kind is.
          const row = sessionRows.find(watched.sessionId);
          if (row && !inProcess) bridge.adopt(watched.sessionId, row.agentKind, watched.launch);
          return bridge.createObserver(watched, told);
        });
      const observer = create(session, report);
      // The inbox shows the bottom of a waiting agent's screen.
      return { ...observer, onScreen: (lines) => {
        inbox.screen(session.sessionId, lines);
        observer.onScreen(lines);
      } };
    },
    log,
    // A host in this process goes with it whatever was chosen.
    onQuit: () => (inProcess ? 'stop' : (quitChoice ?? (settings.value('sessions.keepRunningOnQuit') ? 'keep' : 'stop'))),
    // A host process that stopped answering is ended, so that its socket is free for the next.
    ...(inProcess ? {} : { onSilent: (status: HostStatus) => endSilentHost(status.pid) }),
  });
  // A host of its own writes the output itself, also while no core runs.
  const writtenByHost = inProcess
    ? undefined
    : async () => {
        // No host running has nothing pending: none is started only to be asked (a read of an old transcript).
        if (!host.hasConnection() && !(await hostListening(options.dataDir))) return;
        // A host gone (or stopped) has written all it ever will.
        await host.control<null>({ op: 'settleTranscript' }).catch(() => undefined);
      };
  const transcript = disposables.add(new TranscriptStore(database.db, database.file, log, storage, writtenByHost));
  const unsaved = disposables.add(new UnsavedWrites(storage, log));
  const sessionRows = new SessionRows(database.db);
  const transcripts = new TranscriptQueries(sessionRows, transcript);
  // Tokens, cost and time per task, read from the agents' own records; a reached budget is told to the user.
  const usage = disposables.add(
    new UsageService({
      db: database.db,
      bus,
      settings,
      projects,
      tasks,
      sessions: sessionRows,
      log,
      onBudgetReached: (taskId, status) => attention.budgetReached(taskId, status.reached ?? 'the budget is reached'),
    }),
  );
  const sessions = disposables.add(
    new SessionService({
      rows: sessionRows,
      bus,
      tasks,
      lifecycle,
      host,
      launcher: options.launcher ?? bridge.launcher,
      transcript,
      agentSessions: agents,
      screens: disposables.add(new FinishedScreens(transcript, log)),
      unsaved,
      log,
    }),
  );
  const inbox = disposables.add(new InboxService({ bus, tasks, projects, sessions }));
  const conflicts = new ConflictHelp({
    worktrees,
    store: worktreeStore,
    queue: repoQueue,
    settings,
    agent: {
      latest: (taskId) => {
        const session = sessionRows.latestOf(taskId);
        return session && { id: session.id, running: session.endedAt === null, asking: session.state === 'needs_input' };
      },
      type: (sessionId, data) => sessions.input(sessionId, data),
      resume: (sessionId, message) => sessions.relaunch(sessionId, true, undefined, message),
    },
  });
  if (inProcess) sessions.markOrphans();
  // No host running: nothing outlived the last core, and none is started until a session is.
  else {
    sessions.recoverFrom(
      hostListening(options.dataDir).then(async (up) => {
        if (!up) return [];
        const alive = await host.sessions();
        // Agents started before this core report their state at the address they were given.
        if (alive.some((s) => s.running)) await agents.listenHooks().catch((error: unknown) => log.error('the hook endpoint could not open', error));
        return alive;
      }),
    );
  }
  // An agent idle in review past sessions.idleStopMinutes is stopped; its task stays in review.
  disposables.add(
    new IdleStops({
      bus,
      tasks,
      live: () => sessions.live(),
      stopIdle: (sessionId) => sessions.stop(sessionId, 'idle'),
      idleStopMinutes: (projectId) => settings.value('sessions.idleStopMinutes', projectId),
      log,
    }),
  );
  // An agent at its usage limit: its task waits for the reset, and the scheduler resumes it then.
  const limitWaits = new UsageLimitWaits({
    tasks,
    lifecycle,
    settings,
    log,
    sessions: { taskOf: (sessionId) => sessionRows.taskOf(sessionId), stopAtLimit: (sessionId) => sessions.stop(sessionId, 'usage_limit') },
  });
  // Disposed first (stores dispose in reverse): programs are stopped while their exits can still be recorded.
  disposables.add(host);
  disposables.add(toDisposable(() => sessions.beginShutdown()));
  const scheduler = disposables.add(
    new SchedulerService({
      db: database.db,
      bus,
      projects,
      lifecycle,
      settings,
      log,
      // The cores that stay (the app, serve, run) keep when they ran; a command's own core does not.
      ...(inProcess ? {} : { absence: new CoreAbsence(options.dataDir, log) }),
      starts: options.schedules ?? true,
      ports: {
        start: async (taskId, stackOn) => {
          // Stacking: the worktree starts from the dependency's branch instead of the base.
          const base = stackOn ? worktrees.get(stackOn)?.branch : undefined;
          if (base) await worktrees.prepare(taskId, { baseBranch: base });
          return sessions.start(taskId);
        },
        failures: (taskId) => sessions.failures(taskId),
        resumedAfterLimit: (taskId) => attention.limitReset(taskId, 'its usage limit reset'),
        budgetStop: (projectId) => usage.budgetStop(projectId),
      },
    }),
  );
  const attention = disposables.add(
    new AttentionService({
      bus,
      tasks,
      projects,
      settings,
      runs: {
        activeProjects: () => projects.list().filter((p) => scheduler.status(p.id).active).map((p) => p.id),
        run: (projectId) => scheduler.run(projectId),
        pause: (projectId) => scheduler.pause(projectId),
      },
    }),
  );
  const checks = disposables.add(
    new CheckService({
      dataDir: options.dataDir,
      bus,
      log,
      targetOf: (taskId) => {
        const worktree = worktreeStore.latest(taskId);
        const command = worktree?.status === 'active' ? settings.value('checks.command', worktree.projectId)?.trim() : undefined;
        return worktree && command ? { worktreePath: worktree.path, command } : undefined;
      },
    }),
  );
  disposables.add(
    bus.subscribe((message) => {
      if (message.event === 'session.state') {
        attention.sessionState(message.payload.sessionId, message.payload.taskId, message.payload.change);
        inbox.sessionState(message.payload.sessionId, message.payload.taskId, message.payload.change);
        checks.sessionState(message.payload.sessionId, message.payload.taskId, message.payload.change);
      }
      else if (message.event === 'task.changed' && message.payload.kind === 'deleted') {
        attention.forgetTask(message.payload.id);
        inbox.forgetTask(message.payload.id);
      }
      else if (message.event === 'scheduler.changed') attention.schedulerChanged(message.payload);
    }),
  );
  const version = appVersion();
  const info = (): AppInfo => ({
    name: 'Switchyard',
    version,
    mode: options.mode,
    dataDir: options.dataDir,
    platform: process.platform,
    versions: { node: process.versions.node, electron: process.versions.electron ?? null },
  });
  const dispatch = createDispatcher(
    createRouter({ info, storage: () => storage.status, projects, tasks, taskGraph, plans, settings, attention, inbox, scheduler, sessions, transcripts, worktrees, orphans, review, conflicts, savedChanges, cache, checks, usage }),
    log,
  );
  const deliver = createMessageDelivery(createMessageRouter({ sessions }), log);

  const connections = new Set<Connection>();
  return {
    dataDir: options.dataDir,
    bus,
    dispatch,
    deliver,
    projects,
    tasks,
    taskGraph,
    plans,
    settings,
    policy,
    inbox,
    attention,
    scheduler,
    database,
    worktrees,
    cache,
    checks,
    usage,
    review,
    conflicts,
    orphans,
    savedChanges,
    sessions,
    transcripts,
    host,
    ready: sessions.whenRecovered().then(() => inbox.seed(sessions.live())),
    setQuitChoice: (choice) => {
      quitChoice = choice;
    },
    agents,
    transcript,
    connect(send) {
      const connection: Connection = new Connection(dispatch, deliver, bus, send, () => connections.delete(connection));
      connections.add(connection);
      return connection;
    },
    async dispose() {
      for (const connection of [...connections]) connection.dispose();
      await disposables.dispose();
    },
  };
}
