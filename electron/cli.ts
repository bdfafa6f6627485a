import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { SettingKey } from '../shared/contract';
import { appVersion } from './core/appRoot';
import { resolveDataDir } from './core/dataDir';
import { formatDoctor, runDoctor } from './core/doctor/doctor';
import { APPROVE_MODES, RUN_GOALS } from './server/headlessRun';
import { answerOf, answerTask, ANSWER_EXIT_HELP, parseChoice, type AnswerFlags } from './cli/answerCommand';
import { attach } from './cli/attach';
import { cacheClear, cacheEvict, cacheList, cacheVerify, type CacheCommandDeps } from './cli/cacheCommand';
import { daemonStatus, daemonStop } from './cli/daemon';
import { importPlan } from './cli/importPlanCommand';
import { parseMax, parseTimeout, runFromCli } from './cli/runEntry';
import { RUN_EXIT_CODES, RUN_EXIT_HELP } from './cli/runReport';
import { DEFAULT_SERVE_PORT, parsePort, serve, startApp } from './cli/serveCommand';
import { listSessions, printTranscript } from './cli/sessionVerbs';
import { parseSettingKey, settingsGet, settingsList, settingsWrite, settingValue, type SettingsFlags } from './cli/settingsCommand';
import { addTask, listTasks, startTask, stopTask, type AddFlags } from './cli/taskVerbs';
import { parseSince, usageCommand, type UsageFlags } from './cli/usageCommand';
import { failure, withCore } from './cli/withCore';

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
  .option('--new-token', 'replace the kept token with a new one: tabs opened with the old one are refused')
  .action(serve);

program
  .command('start')
  .description('open the desktop app, or browser mode where Electron cannot run')
  .option('--port <port>', 'port for browser mode', parsePort, DEFAULT_SERVE_PORT)
  .option('--data-dir <dir>', 'where the database and caches live')
  .action(startApp);

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
  .option('--project <path>', 'the repository to import into, added as a project if it is not one (default: the current folder\'s)')
  .option('--dry-run', 'print what was found and write nothing')
  .option('--json', 'print the plan as JSON: { format, tasks, derived, cycles, warnings }')
  .option('--data-dir <dir>', 'where the database lives')
  .action(importPlan);

const PROJECT_HELP = "the project's repository (default: the current folder's)";
const TASK_HELP = "a task's key (from its plan, else the start of its id, as `switchyard tasks` shows it) or id";

const tasksCommand = program
  .command('tasks')
  .description("list a project's tasks with their status and dependencies; add, start and stop one")
  .enablePositionalOptions()
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print the tasks as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action((flags: { project?: string; json?: boolean; dataDir?: string }) => withCore(flags.dataDir, (access) => listTasks(access, flags)));

tasksCommand
  .command('add')
  .description('add a task (and the repository as a project, when it is not one yet)')
  .requiredOption('--title <title>', 'what the task is')
  .option('--project <path>', PROJECT_HELP)
  .option('--agent <kind>', 'the agent that works on it: claude-code, codex, gemini, aider or custom')
  .option('--command <cmd>', 'a command line to run instead of an agent (under /bin/sh -c)')
  .option('--prompt <text>', 'what the agent is told')
  .option('--json', 'print the task as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action((flags: AddFlags & { dataDir?: string }) => withCore(flags.dataDir, (access) => addTask(access, flags)));

tasksCommand
  .command('start')
  .description("start a task's agent (in the running app or serve, where it keeps running)")
  .argument('<task>', TASK_HELP)
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print the session as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action((task: string, flags: { project?: string; json?: boolean; dataDir?: string }) => withCore(flags.dataDir, (access) => startTask(access, task, flags)));

tasksCommand
  .command('stop')
  .description("stop a task's running agent")
  .argument('<task>', TASK_HELP)
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print the ended session as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action((task: string, flags: { project?: string; json?: boolean; dataDir?: string }) => withCore(flags.dataDir, (access) => stopTask(access, task, flags)));

program
  .command('sessions')
  .description("the agents' sessions: which task, pid, state, when each ended")
  .option('--project <path>', "the project's repository (default: the current folder's, else every project)")
  .option('--json', 'print [{taskId, taskKey, pid, state, endedAt}]')
  .option('--data-dir <dir>', 'where the database lives')
  .action((flags: { project?: string; json?: boolean; dataDir?: string }) => withCore(flags.dataDir, (access) => listSessions(access, flags)));

program
  .command('transcript')
  .description("what the task's latest session printed, as the terminal got it")
  .argument('<task>', TASK_HELP)
  .option('--plain', 'as plain text, without terminal escapes')
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print { taskId, sessionId, format, data }')
  .option('--data-dir <dir>', 'where the database lives')
  .action((task: string, flags: { project?: string; plain?: boolean; json?: boolean; dataDir?: string }) =>
    withCore(flags.dataDir, (access) => printTranscript(access, task, flags)),
  );

program
  .command('attach')
  .description("this terminal on a running agent's pty, like tmux attach (Ctrl-] detaches)")
  .argument('<task>', TASK_HELP)
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print how it ended as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .action((task: string, flags: { project?: string; json?: boolean; dataDir?: string }) =>
    withCore(flags.dataDir, (access) => attach(access, task, flags), {
      requireRunning: 'an agent runs only in a running app or serve; start one (switchyard serve)',
    }),
  );

const answerCommand = program
  .command('answer')
  .description("answer the question a task's agent waits on (as `switchyard run` prints it), in the app, serve or run that runs it")
  .argument('<task>', TASK_HELP)
  .option('--allow', 'yes')
  .option('--deny', 'no')
  .option('--choice <n>', 'the numbered answer n of its question', (value: string) => {
    const n = parseChoice(value);
    if (typeof n === 'string') throw new InvalidArgumentError(n);
    return n;
  })
  .option('--text <text>', 'words: the reason given with a no to a permission question (told to the agent), or the reply to a question that asks for text')
  .option('--project <path>', PROJECT_HELP)
  .option('--json', 'print { taskId, sessionId, question, answer, delivery } as JSON')
  .option('--data-dir <dir>', 'where the database lives')
  .addHelpText('after', `\n${ANSWER_EXIT_HELP}`)
  .action((task: string, flags: AnswerFlags & { dataDir?: string }) => {
    const answer = answerOf(flags);
    if (typeof answer === 'string') return answerCommand.error(`error: ${answer}`, { exitCode: RUN_EXIT_CODES.usage, code: 'switchyard.usage' });
    return withCore(flags.dataDir, (access) => answerTask(access, task, answer, flags));
  });

program
  .command('run')
  .description(
    "run a project's tasks without a window, in dependency order, until each one reached --until, failed or is blocked",
  )
  .option('--project <path>', PROJECT_HELP)
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

With the app or \`switchyard serve\` running for the data folder, the run goes on in it and this
command follows it (the same lines, the same exit codes); Ctrl-C ends the run and stops the agents
it started, and the app or serve goes on.

With --until merged, a task that reaches review is merged into its base branch (a merge commit),
its worktree removed and the task marked done, so that its dependents start from the merged base.
A task whose merge does not go cleanly (a conflict, uncommitted changes) fails with that reason
and the base is left as it was.

${RUN_EXIT_HELP}`,
  )
  .action(runFromCli);

program
  .command('usage')
  .description('tokens, cost and time per task: working, waiting for you, idle (from the agents\' own records)')
  .option('--project <path>', "the project's repository (default: the current folder's, else every project)")
  .option('--since <date>', 'only usage from this date (2026-12-01, local midnight) or date and time on', (value: string) => {
    const at = parseSince(value);
    if (typeof at === 'string') throw new InvalidArgumentError(at);
    return at;
  })
  .option('--json', 'print {tasks: [{key, title, agent, model, tokens, costUsd, workingMs, waitingMs, idleMs}], totals}')
  .option('--data-dir <dir>', 'where the database lives')
  .action((flags: UsageFlags & { dataDir?: string }) => withCore(flags.dataDir, (access) => usageCommand(access, flags)));

const daemon = program.command('daemon').description('the session host process that keeps the agents of a data folder running');
daemon
  .command('status')
  .description('the session host: its pid, version and how many agents it runs (exit 1 when none runs)')
  .option('--json', 'print its status as JSON (null when none runs)')
  .option('--data-dir <dir>', 'the data folder')
  .action(async (flags: { json?: boolean; dataDir?: string }) => {
    process.exitCode = await daemonStatus(resolveDataDir({ explicit: flags.dataDir }), flags);
  });
daemon
  .command('stop')
  .description('end the session host once its agents have ended; with --all, now, stopping them')
  .option('--all', 'stop every agent it runs, now')
  .option('--json', 'print its status before it stopped as JSON (null when none ran)')
  .option('--data-dir <dir>', 'the data folder')
  .action(async (flags: { all?: boolean; json?: boolean; dataDir?: string }) => {
    process.exitCode = await daemonStop(resolveDataDir({ explicit: flags.dataDir }), flags);
  });

type SettingsCliFlags = SettingsFlags & { dataDir?: string };
const printLine = (line: string) => console.log(line);
const settingsCommand = program
  .command('settings')
  .description("every setting with its value and where it comes from; get, set and reset one, for the user or a project");
settingsCommand
  .command('ls', { isDefault: true })
  .description("every setting as it holds for the project (--project, else the current folder's), else the user's")
  .option('--project <path>', "the project's repository (default: the current folder's, else the user's settings)")
  .option('--json', 'print [{key, value, source, defaultValue, userValue, projectValue, scopes, label, description}]')
  .option('--data-dir <dir>', 'where the database lives')
  .action((flags: SettingsCliFlags) => withCore(flags.dataDir, (access) => settingsList(access, flags, printLine)));
settingsCommand
  .command('get')
  .description('one setting: its value, where it comes from, and the value of each scope')
  .argument('<key>', 'the setting, e.g. scheduler.maxConcurrent', parseSettingKey)
  .option('--project <path>', "the project's repository (default: the current folder's, else the user's settings)")
  .option('--json', 'print {key, value, source, defaultValue, userValue, projectValue, scopes, label, description}')
  .option('--data-dir <dir>', 'where the database lives')
  .action((key: SettingKey, flags: SettingsCliFlags) => withCore(flags.dataDir, (access) => settingsGet(access, key, flags, printLine)));
settingsCommand
  .command('set')
  .description("store a value: the user's (every project without its own), or with --project that project's")
  .argument('<key>', 'the setting, e.g. scheduler.maxConcurrent', parseSettingKey)
  .argument('<value>', 'JSON where the setting takes it (5, true, ["node_modules"]), else text (lru, sy/)')
  .option('--project <path>', "store it for this project's repository only")
  .option('--json', 'print the setting as it now holds')
  .option('--data-dir <dir>', 'where the database lives')
  .action((key: SettingKey, value: string, flags: SettingsCliFlags) =>
    withCore(flags.dataDir, (access) => settingsWrite(access, key, { set: settingValue(key, value) }, flags, printLine)),
  );
settingsCommand
  .command('reset')
  .description("remove the stored value: the user's, or with --project that project's")
  .argument('<key>', 'the setting, e.g. scheduler.maxConcurrent', parseSettingKey)
  .option('--project <path>', "reset this project's own value")
  .option('--json', 'print the setting as it now holds')
  .option('--data-dir <dir>', 'where the database lives')
  .action((key: SettingKey, flags: SettingsCliFlags) => withCore(flags.dataDir, (access) => settingsWrite(access, key, { reset: true }, flags, printLine)));

/** Runs a cache command against the core of the data folder, through its procedures. */
async function withCache(dataDir: string | undefined, command: (deps: CacheCommandDeps) => Promise<number>): Promise<void> {
  await withCore(dataDir, async (access) => {
    process.exitCode = await command({
      call: (method, input) => access.call(method, input),
      onProgress: (listener) =>
        access.onEvent((m) => {
          if (m.event === 'cache.progress') listener(m.payload as Parameters<typeof listener>[0]);
        }),
      print: (line) => console.log(line),
      status: (line) => console.error(line),
    });
  });
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

program.enablePositionalOptions();
program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander has printed what was wrong; help and the version asked for are not errors.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : RUN_EXIT_CODES.usage);
  const shown = failure(error);
  console.error(`switchyard: ${shown.message}`);
  process.exit((shown as Error & { exitCode?: number }).exitCode ?? 1);
});
