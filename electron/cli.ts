import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
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
import { runUntilSettled, type RunProgress } from './cli/headlessRun';
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
  .version(appVersion(), '-v, --version');

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

/** One line per change, readable in a terminal and in a CI log alike. */
function progressLine(progress: RunProgress): string {
  const time = new Date(progress.at).toTimeString().slice(0, 8);
  const key = progress.task.planKey ? `${progress.task.planKey} ` : '';
  return `[${time}] ${key}${progress.task.title} → ${progress.status.replace('_', ' ')}`;
}

async function runTasks(flags: { project: string; max?: number; dataDir?: string }): Promise<void> {
  const core = openCore(resolveDataDir({ explicit: flags.dataDir }), 'browser');
  try {
    const project = await findProject(core, flags.project).catch((e: unknown) => Promise.reject(failure(e)));
    if (!project) throw new Error(`${flags.project} is not a project: import a plan into it first (switchyard import-plan)`);
    const summary = await runUntilSettled(core, project.id, {
      ...(flags.max !== undefined ? { maxConcurrent: flags.max } : {}),
      onProgress: (p) => console.log(progressLine(p)),
    });
    const c = summary.counts;
    console.log(`${c.done} done, ${c.review} to review, ${c.failed} failed, ${summary.blocked.length} blocked, ${c.needs_input} need input, ${c.backlog + c.ready} not started`);
    for (const b of summary.blocked) console.log(`blocked: ${b.title} (needs ${b.by.join(', ')})`);
    for (const title of summary.waiting) console.log(`needs input: ${title} — open Switchyard to answer`);
    process.exitCode = summary.ok ? 0 : 1;
  } finally {
    // Agents still open at their prompt are stopped; their tasks keep their status.
    await core.dispose();
  }
}

function parseMax(value: string): number {
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1 || max > 64) throw new InvalidArgumentError('--max is 1–64');
  return max;
}

program
  .command('run')
  .description("run a project's ready tasks without a window, in dependency order; exits non-zero if any failed")
  .requiredOption('--project <path>', 'the repository of the project')
  .option('--max <n>', 'agents at once for this run (default: the project setting)', parseMax)
  .option('--data-dir <dir>', 'where the database lives')
  .action(runTasks);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
