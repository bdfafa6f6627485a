import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createCore, type Core } from './core/app';
import { appRoot, appVersion } from './core/appRoot';
import { resolveDataDir } from './core/dataDir';
import { MigrationError } from './core/db/client';
import { formatDoctor, runDoctor } from './core/doctor/doctor';
import { sqliteBuilds } from './core/db/nativeBuilds';
import { electronAvailability } from './core/doctor/electronAvailability';
import { chooseStartMode } from './core/doctor/startMode';
import { inspectRepository } from './core/git/repository';
import { cycleError, readPlanFile } from './core/plans/planImporter';
import { formatPlan, formatTaskRows, planJson, taskRows } from './core/plans/planReport';
import { cacheClear, cacheEvict, cacheList, cacheVerify, type CacheCommandDeps } from './cli/cacheCommand';
import { parseDuration } from './cli/duration';
import { APPROVE_MODES, RUN_GOALS } from './cli/headlessRun';
import { runCommand, type RunFlags } from './cli/runCommand';
import { RUN_EXIT_CODES, RUN_EXIT_HELP } from './cli/runReport';
import { isErrorData, SwitchyardError } from '../shared/errors';
import type { Project, Task, TaskGraph } from '../shared/contract';
import { consoleLogger } from './core/log';
import { startServer } from './server/http';
import { guardProcess } from './server/processGuard';

/** The port browser mode listens on unless told otherwise. */
const DEFAULT_SERVE_PORT = 7821;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is 0–65535');
  return port;
}

function rendererDir(): string {
  const dir = join(appRoot(), 'dist', 'renderer');
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`the renderer is not built (${dir} has no index.html): run \`npm run build\``);
  }
  return dir;
}

function openCore(dataDir: string, mode: 'desktop' | 'browser'): Core {
  try {
    return createCore({ dataDir, mode, sessionHost: 'process' });
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(error.message);
      process.exit(3);
    }
    throw error;
  }
}

interface ServeFlags {
  host: string;
  port: number;
  dataDir?: string;
}

async function serve(flags: ServeFlags): Promise<void> {
  const dataDir = resolveDataDir({ explicit: flags.dataDir });
  const staticDir = rendererDir();
  const log = consoleLogger();
  // From here on a bug is logged, not fatal: the agents this process runs would die with it.
  const guard = guardProcess(log);
  const core = openCore(dataDir, 'browser');
  let server;
  try {
    server = await startServer({ core, staticDir, host: flags.host, port: flags.port, log });
  } catch (error) {
    await core.dispose();
    guard.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${flags.port} is in use: pass --port with another number (0 picks a free one)`);
    throw error;
  }
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(flags.host);
  if (!loopback) console.warn(`warning: listening on ${flags.host}, reachable from other machines; the token is the only lock.`);
  console.log(`Switchyard is running in browser mode: ${server.loginUrl}`);
  console.log(`data: ${dataDir} · stop with Ctrl-C`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await core.dispose();
    guard.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** A typed failure as one line: "CODE: message". */
function failure(error: unknown): Error {
  if (error instanceof SwitchyardError || isErrorData(error)) return new Error(`${error.code}: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/** The project whose repository holds `path`, or null when that repository is not a project yet. */
async function findProject(core: Core, path: string): Promise<Project | null> {
  const root = await realpath((await inspectRepository(resolve(path))).root);
  return core.projects.list().find((p) => p.path === root) ?? null;
}

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw failure(result.error);
  return result.output as T;
}

interface ImportFlags {
  project: string;
  dryRun?: boolean;
  json?: boolean;
  dataDir?: string;
}

async function importPlan(file: string, flags: ImportFlags): Promise<void> {
  const { plan } = await readPlanFile(file).catch((error: unknown) => {
    throw failure(error);
  });
  console.log(flags.json ? JSON.stringify(planJson(plan), null, 2) : formatPlan(plan));
  if (plan.cycles.length > 0) throw failure(cycleError(plan.cycles, plan.tasks));
  if (flags.dryRun) return;
  const core = openCore(resolveDataDir({ explicit: flags.dataDir }), 'desktop');
  try {
    const project = (await findProject(core, flags.project).catch((e: unknown) => Promise.reject(failure(e)))) ??
      (await call<Project>(core, 'projects.add', { path: resolve(flags.project) }));
    const result = await call<{ created: number; updated: number; unchanged: number; notInPlan: number; edges: number }>(
      core,
      'plans.import',
      { projectId: project.id, path: resolve(file) },
    );
    const summary = `imported into ${project.name} (${project.path}): ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.edges} dependencies${result.notInPlan > 0 ? `; ${result.notInPlan} earlier tasks no longer in the plan were kept` : ''}`;
    // With --json, stdout carries only the plan's JSON; the summary goes beside it.
    if (flags.json) console.error(summary);
    else console.log(`\n${summary}`);
  } finally {
    await core.dispose();
  }
}

async function listTasks(flags: { project: string; json?: boolean; dataDir?: string }): Promise<void> {
  const core = openCore(resolveDataDir({ explicit: flags.dataDir }), 'desktop');
  try {
    const project = await findProject(core, flags.project).catch((e: unknown) => Promise.reject(failure(e)));
    if (!project) throw new Error(`NOT_FOUND: ${resolve(flags.project)} is not a Switchyard project; import a plan into it first`);
    const tasks = await call<Task[]>(core, 'tasks.list', { projectId: project.id });
    const graph = await call<TaskGraph>(core, 'tasks.graph', { projectId: project.id });
    const rows = taskRows(tasks, graph);
    console.log(flags.json ? JSON.stringify(rows, null, 2) : formatTaskRows(rows));
  } finally {
    await core.dispose();
  }
}

const program = new Command();
program
  .name('switchyard')
  .description('A control tower for parallel AI coding agents')
  .version(appVersion(), '-v, --version')
  // Bad usage (an unknown option, a bad value) throws, to exit with 2 below, in every command.
  .exitOverride();

program
  .command('serve')
  .description('run Switchyard in browser mode (one URL, with a token, on 127.0.0.1)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_SERVE_PORT)
  .option('--data-dir <dir>', 'where the database and caches live (default: the per-user data folder)')
  .action(serve);

program
  .command('start')
  .description('open the desktop app, or browser mode where Electron cannot run')
  .option('--port <port>', 'port for browser mode', parsePort, DEFAULT_SERVE_PORT)
  .option('--data-dir <dir>', 'where the database and caches live')
  .action(async (flags: { port: number; dataDir?: string }) => {
    const start = chooseStartMode(await electronAvailability(), sqliteBuilds());
    if (start.mode === 'desktop') {
      const args = [join(appRoot(), 'dist', 'node', 'main.js')];
      if (flags.dataDir) args.push(`--data-dir=${flags.dataDir}`);
      const child = spawn(start.binary, args, { stdio: 'inherit' });
      child.on('exit', (code) => process.exit(code ?? 0));
      return;
    }
    console.log(`Electron cannot run here (${start.reason}); starting browser mode.`);
    await serve({ host: '127.0.0.1', port: flags.port, ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
  });

program
  .command('doctor')
  .description('check what works on this machine: git, ptys, SQLite, the data folder, agent CLIs, Electron')
  .option('--json', 'print the report as JSON')
  .option('--data-dir <dir>', 'the data folder to check')
  .action(async (flags: { json?: boolean; dataDir?: string }) => {
    const report = await runDoctor(resolveDataDir({ explicit: flags.dataDir }));
    console.log(flags.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    process.exitCode = report.ok ? 0 : 1;
  });

program
  .command('import-plan')
  .description('read a plan (markdown) and import its tasks and dependencies into a project')
  .argument('<file>', 'the plan file')
  .requiredOption('--project <path>', 'the repository to import into (added as a project if it is not one)')
  .option('--dry-run', 'print what was found and write nothing')
  .option('--json', 'print { tasks, warnings } as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action(importPlan);

program
  .command('tasks')
  .description("list a project's tasks with their status and dependencies")
  .requiredOption('--project <path>', 'the repository of the project')
  .option('--json', 'print the tasks as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action(listTasks);

function parseMax(value: string): number {
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1 || max > 64) throw new InvalidArgumentError('--max is 1–64');
  return max;
}

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (typeof ms === 'string') throw new InvalidArgumentError(ms);
  return ms;
}

program
  .command('run')
  .description(
    "run a project's tasks without a window, in dependency order, until each one reached --until, failed or is blocked",
  )
  .requiredOption('--project <path>', 'the repository of the project')
  .option('--max <n>', 'agents at once for this run (default: the project setting)', parseMax)
  .addOption(
    new Option('--approve <who>', 'who answers permission questions: ask (no one: each is printed), policy (the configured rules), all (every agent runs with its skip-permissions flag, for this run only)')
      .choices(APPROVE_MODES)
      .default('policy'),
  )
  .addOption(
    new Option('--until <goal>', 'how far each task goes: review (dependents start on their dependency\'s branch), or merged (each task in review is merged into its base)')
      .choices(RUN_GOALS)
      .default('review'),
  )
  .option('--timeout <duration>', 'end the run after this long, e.g. 90s, 30m, 2h (default: no limit)', parseTimeout)
  .option('--data-dir <dir>', 'where the database lives')
  .addHelpText(
    'after',
    `
The run goes on while agents wait for an answer: each question is printed once, with the
command that answers it (switchyard answer TASK --allow | --deny | --choice N | --text TEXT).
The agents it started are stopped when it ends, and not before.

With --until merged, a task that reaches review is merged into its base branch (a merge commit),
its worktree removed and the task marked done, so that its dependents start from the merged base.
A task whose merge does not go cleanly (a conflict, uncommitted changes) fails with that reason
and the base is left as it was.

${RUN_EXIT_HELP}`,
  )
  .action(async (flags: RunFlags) => {
    process.exitCode = await runCommand(flags, {
      openCore: (dataDir) => openCore(resolveDataDir({ explicit: dataDir }), 'browser'),
      findProject: (core, path) => findProject(core, path).catch((e: unknown) => Promise.reject(failure(e))),
      print: (line) => console.log(line),
    });
  });

/** Runs a cache command against the core of the data folder, through its procedures. */
async function withCache(dataDir: string | undefined, command: (deps: CacheCommandDeps) => Promise<number>): Promise<void> {
  const core = openCore(resolveDataDir({ explicit: dataDir }), 'desktop');
  try {
    process.exitCode = await command({
      call: (method, input) => call(core, method, input),
      onProgress: (listener) => {
        const subscription = core.bus.subscribe((m) => {
          if (m.event === 'cache.progress') listener(m.payload);
        });
        return () => void subscription.dispose();
      },
      print: (line) => console.log(line),
      status: (line) => console.error(line),
    }).catch((error: unknown) => Promise.reject(failure(error)));
  } finally {
    await core.dispose();
  }
}

const cache = program.command('cache').description('the dependency cache shared by every project: list, verify, evict, clear');
cache
  .command('ls')
  .description('list the entries with their size, hits, last use and the projects that used them')
  .option('--json', 'print { location, entries, totalBytes, maxBytes } as JSON')
  .option('--data-dir <dir>', 'where the database and caches live')
  .action((flags: { json?: boolean; dataDir?: string }) => withCache(flags.dataDir, (deps) => cacheList(flags, deps)));
cache
  .command('verify')
  .description('hash entries (all, or those named) against what was stored; a changed entry is evicted and the exit code is 1')
  .argument('[keys...]', 'entry keys, or prefixes of at least 4 characters')
  .option('--json', 'print the results as JSON')
  .option('--data-dir <dir>', 'where the database and caches live')
  .action((keys: string[], flags: { json?: boolean; dataDir?: string }) => withCache(flags.dataDir, (deps) => cacheVerify(keys, flags, deps)));
cache
  .command('evict')
  .description('remove the named entries')
  .argument('<keys...>', 'entry keys, or prefixes of at least 4 characters')
  .option('--json', 'print { evicted } as JSON')
  .option('--data-dir <dir>', 'where the database and caches live')
  .action((keys: string[], flags: { json?: boolean; dataDir?: string }) => withCache(flags.dataDir, (deps) => cacheEvict(keys, flags, deps)));
cache
  .command('clear')
  .description('remove every entry; the next worktree of each project installs afresh')
  .option('--json', 'print { removed } as JSON')
  .option('--data-dir <dir>', 'where the database and caches live')
  .action((flags: { json?: boolean; dataDir?: string }) => withCache(flags.dataDir, (deps) => cacheClear(flags, deps)));

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander has printed what was wrong; help and the version asked for are not errors.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : RUN_EXIT_CODES.usage);
  console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
