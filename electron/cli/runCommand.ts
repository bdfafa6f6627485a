import { relative, resolve, isAbsolute } from 'node:path';
import type { Project } from '../../shared/contract';
import type { Core } from '../core/app';
import { headlessRun, type ApproveMode, type RunGoal } from './headlessRun';
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
    if (!project) throw new Error(`${flags.project} is not a project: import a plan into it first (switchyard import-plan)`);
    // The answer command names the project only when it is not the repository of the current folder.
    const projectFlag = within(process.cwd(), project.path) ? null : resolve(flags.project);
    deps.print(`running ${project.name} (${project.path}) until every task is ${flags.until === 'review' ? 'in review' : 'merged'}; answers: ${flags.approve}`);
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
