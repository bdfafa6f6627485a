import { relative, resolve, isAbsolute } from 'node:path';
import type { Project } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import type { Core } from '../core/app';
import { RUN_EVENTS, RUN_START_METHOD, RUN_STOP_MESSAGE, type RunEnded, type RunStarted, type RunStartInput } from '../server/controlSocketRun';
import { failure, type CoreAccess } from './coreAccess';
import { headlessRun, type ApproveMode, type RunGoal, type RunProgress, type RunQuestion } from '../server/headlessRun';
import { exitCodeOf, progressLine, questionLines, summaryLines } from './runReport';

export interface RunFlags {
  project: string;
  max?: number;
  approve: ApproveMode;
  until: RunGoal;
  /** ms */
  timeout?: number;
  dataDir?: string;
}

/** What the command needs of the rest of the CLI: the core of the data folder, and a project in it. */
export interface RunCommandDeps {
  openCore: (dataDir: string | undefined) => Core;
  findProject: (core: Core, path: string) => Promise<Project | null>;
  print: (line: string) => void;
}

/** Whether `path` is `folder` or inside it. */
function within(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The answer command names the project only when it is not the repository of the current folder. */
const answerProjectFlag = (project: Pick<Project, 'path'>, flags: RunFlags) => (within(process.cwd(), project.path) ? null : resolve(flags.project));

const startLine = (project: Pick<Project, 'name' | 'path'>, flags: RunFlags) =>
  `running ${project.name} (${project.path}) until every task is ${flags.until === 'review' ? 'in review' : 'merged'}; answers: ${flags.approve}`;

/**
 * `switchyard run`: runs the project's tasks until each reached `--until`, failed or is blocked,
 * printing every change and every question with the command that answers it. Ctrl-C (or SIGTERM)
 * ends the run the same way: the agents it started are stopped when it ends, never before.
 * Resolves with the exit code.
 */
export async function runCommand(flags: RunFlags, deps: RunCommandDeps): Promise<number> {
  const core = deps.openCore(flags.dataDir);
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const project = await deps.findProject(core, flags.project);
    if (!project) throw new SwitchyardError('BAD_INPUT', `${flags.project} is not a project: import a plan into it first (switchyard import-plan)`);
    const projectFlag = answerProjectFlag(project, flags);
    deps.print(startLine(project, flags));
    const summary = await headlessRun(core, project.id, {
      approve: flags.approve,
      until: flags.until,
      signal: stop.signal,
      ...(flags.max !== undefined ? { maxConcurrent: flags.max } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
      onProgress: (p) => deps.print(progressLine(p)),
      onQuestion: (q) => questionLines(q, projectFlag).forEach((line) => deps.print(line)),
    });
    for (const line of summaryLines(summary, flags.until)) deps.print(line);
    return exitCodeOf(summary);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    // The agents still open are stopped now, with the run, whatever the app does on its quit.
    core.setQuitChoice('stop');
    await core.dispose();
  }
}

/**
 * `switchyard run` beside a running app or serve: the run goes on in that core, over its control
 * socket, and this command follows it, printing what a run on its own core prints and exiting with
 * the same code. Ctrl-C (or SIGTERM) ends the run as it ends one on its own core: the agents it
 * started are stopped, the summary printed; the app or serve goes on.
 */
export async function remoteRunCommand(flags: RunFlags, access: CoreAccess, print: (line: string) => void, note: (line: string) => void): Promise<number> {
  const stop = () => access.message(RUN_STOP_MESSAGE, {});
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const listeners: (() => void)[] = [];
  try {
    let projectFlag: string | null = null;
    // The run's first changes can come before the answer to its start: they are printed after the start line, as on its own core.
    let held: (() => void)[] | null = [];
    const inOrder = (printLines: () => void) => (held ? held.push(printLines) : printLines());
    const ended = new Promise<RunEnded>((resolveEnd, rejectEnd) => {
      listeners.push(
        access.onEvent(({ event, payload }) => {
          if (event === RUN_EVENTS.progress) inOrder(() => print(progressLine(payload as RunProgress)));
          else if (event === RUN_EVENTS.question) inOrder(() => questionLines(payload as RunQuestion, projectFlag).forEach((line) => print(line)));
          else if (event === RUN_EVENTS.ended) resolveEnd(payload as RunEnded);
        }),
        access.onClose(() => rejectEnd(new SwitchyardError('UNAVAILABLE', `the Switchyard the run went on in (pid ${access.pid}) went away before it ended`))),
      );
    });
    // Not an unhandled rejection while the start is still answered.
    ended.catch(() => undefined);
    const input: RunStartInput = {
      project: resolve(flags.project),
      approve: flags.approve,
      until: flags.until,
      ...(flags.max !== undefined ? { maxConcurrent: flags.max } : {}),
      ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    };
    const { project } = await access.call<RunStarted>(RUN_START_METHOD, input);
    projectFlag = answerProjectFlag(project, flags);
    print(startLine(project, flags));
    note(`the run goes on in the Switchyard running for this data folder (pid ${access.pid}); stopping this command ends the run, not it`);
    for (const printLines of held) printLines();
    held = null;
    const result = await ended;
    if ('error' in result) throw failure(result.error);
    for (const line of summaryLines(result.summary, flags.until)) print(line);
    return exitCodeOf(result.summary);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    for (const dispose of listeners) dispose();
  }
}
