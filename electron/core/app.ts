import type { AppInfo } from '../../shared/contract';
import { appVersion } from './appRoot';
import { databaseFile } from './dataDir';
import { openDatabase } from './db/client';
import { DisposableStore, toDisposable } from './disposable';
import { consoleLogger } from './log';
import { ProjectService } from './projects/projectService';
import { Connection } from './rpc/connection';
import { createDispatcher, type Dispatch, type Logger } from './rpc/dispatcher';
import { EventBus } from './rpc/eventBus';
import { createRouter } from './rpc/router';
import type { ServerMessage } from '../../shared/protocol';
import type { Launcher } from './sessions/launcher';
import { SessionHost } from './sessions/sessionHost';
import { SessionService } from './sessions/sessionService';
import { shellLauncher } from './sessions/shellLauncher';
import type { CreateObserver } from './sessions/stateObserver';
import { TranscriptStore } from './sessions/transcriptStore';
import { SettingsService } from './settings/settingsService';
import { TaskService } from './tasks/taskService';

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  log?: Logger;
  migrationsFolder?: string;
  /** Turns a task into the program its session runs; the login shell until agent adapters are wired. */
  launcher?: Launcher;
  /** Infers session states from a running session; none until the state engine is wired. */
  createObserver?: CreateObserver;
}

export interface Core {
  readonly dataDir: string;
  readonly bus: EventBus;
  readonly dispatch: Dispatch;
  readonly projects: ProjectService;
  readonly tasks: TaskService;
  readonly settings: SettingsService;
  readonly sessions: SessionService;
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
  const settings = new SettingsService(database.db, projects);
  const tasks = new TaskService(database.db, bus, projects, settings);
  const transcript = disposables.add(new TranscriptStore(database.db, database.file, log));
  const host = new SessionHost({ createObserver: options.createObserver, log });
  const sessions = disposables.add(
    new SessionService({
      db: database.db,
      bus,
      tasks,
      host,
      launcher: options.launcher ?? shellLauncher(projects),
      transcript,
      log,
    }),
  );
  sessions.markOrphans();
  // Disposed first (stores dispose in reverse): programs are stopped while their exits can still be recorded.
  disposables.add(host);
  const version = appVersion();
  const info = (): AppInfo => ({
    name: 'Switchyard',
    version,
    mode: options.mode,
    dataDir: options.dataDir,
    platform: process.platform,
    versions: { node: process.versions.node, electron: process.versions.electron ?? null },
  });
  const dispatch = createDispatcher(createRouter({ info, projects, tasks, settings, sessions }), log);

  const connections = new Set<Connection>();
  return {
    dataDir: options.dataDir,
    bus,
    dispatch,
    projects,
    tasks,
    settings,
    sessions,
    connect(send) {
      const connection: Connection = new Connection(dispatch, bus, send, () => connections.delete(connection));
      connections.add(connection);
      return connection;
    },
    async dispose() {
      for (const connection of [...connections]) connection.dispose();
      await disposables.dispose();
    },
  };
}
