import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, StateChange } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import { snapshotWorkingTree } from '../git/snapshot';
import type { Logger } from '../log';
import { plainLines } from '../sessions/transcriptText';

/** Characters kept of what a check printed: the end, where test runners sum up. */
const CHECK_OUTPUT_TAIL_CHARS = 8_000;
/** Longest a summary line is shown (characters). */
const CHECK_SUMMARY_CHARS = 200;
/** A check running longer than this is stopped and counts as failed (ms). */
const CHECK_TIMEOUT_MS = 15 * 60_000;
/** Time a stopped check's processes get between SIGTERM and SIGKILL (ms). */
const CHECK_KILL_GRACE_MS = 2_000;


/** Where a task's checks run and with which command; undefined when it has no worktree or no command. */
export interface CheckTarget {
  worktreePath: string;
  command: string;
}

interface Running {
  child: ChildProcess;
  done: Promise<CheckResult>;
}

/**
 * Runs a project's check command in a task's worktree when its agent finishes a turn, and keeps
 * each result under the tree the command saw and the command itself, in files under the data
 * folder: a check of a tree already checked answers at once from there, marked cached. One check
 * runs per task at a time; a turn that ends during one checks again once it finished.
 */
export class CheckService implements Disposable {
  private readonly last = new Map<string, CheckResult>();
  private readonly running = new Map<string, Running>();
  private readonly again = new Set<string>();
  private readonly states = new Map<string, StateChange['state']>();
  private readonly background = new Set<Promise<unknown>>();
  private disposed = false;

  constructor(
    private readonly parts: { dataDir: string; bus: EventBus; log: Logger; targetOf: (taskId: string) => CheckTarget | undefined },
  ) {}

  private get dir(): string {
    return join(this.parts.dataDir, 'checks');
  }

  /** A session's state changed: a turn that ended (working or waiting → idle) starts a check. */
  sessionState(sessionId: string, taskId: string, change: StateChange): void {
    const previous = this.states.get(sessionId);
    if (change.state === 'exited' || change.state === 'failed') this.states.delete(sessionId);
    else this.states.set(sessionId, change.state);
    if (change.state !== 'idle' || (previous !== 'working' && previous !== 'needs_input')) return;
    if (!this.parts.targetOf(taskId)) return;
    this.inBackground(taskId);
  }

  private inBackground(taskId: string): void {
    const work = this.run(taskId).catch((error: unknown) =>
      this.parts.log.warn(`the check of task ${taskId} did not run: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** The task's last check, or null. */
  async get(taskId: string): Promise<CheckResult | null> {
    const known = this.last.get(taskId);
    if (known) return known;
    try {
      const stored = JSON.parse(await readFile(join(this.dir, 'tasks', `${taskId}.json`), 'utf8')) as CheckResult;
      this.last.set(taskId, stored);
      return stored;
    } catch {
      return null;
    }
  }

  /**
   * Checks the task's worktree: from the cache when this tree was checked with this command before,
   * else by running the command. A check already running is waited for, then run again if asked.
   */
  async run(taskId: string): Promise<CheckResult> {
    const target = this.parts.targetOf(taskId);
    if (!target) throw new SwitchyardError('NOT_FOUND', `Task ${taskId} has no worktree with a check command to run (set checks.command)`, { taskId });
    const current = this.running.get(taskId);
    if (current) {
      // The tree may have changed since that run began: it is checked again once it finished.
      this.again.add(taskId);
      return current.done;
    }
    const { tree } = await snapshotWorkingTree(target.worktreePath);
    const cached = await this.stored(target.command, tree);
    if (cached) return this.publish({ ...cached, taskId, cached: true });
    return this.execute(taskId, target, tree);
  }

  private resultFile(command: string, tree: string): string {
    const key = createHash('sha256').update(`${command}\0${tree}`).digest('hex').slice(0, 40);
    return join(this.dir, 'results', `${key}.json`);
  }

  private async stored(command: string, tree: string): Promise<CheckResult | undefined> {
    try {
      const result = JSON.parse(await readFile(this.resultFile(command, tree), 'utf8')) as CheckResult;
      return result.command === command && result.tree === tree ? result : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeAtomically(path: string, value: unknown): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  }

  private async publish(result: CheckResult): Promise<CheckResult> {
    this.last.set(result.taskId, result);
    this.parts.bus.emit('check.changed', result);
    if (result.status !== 'running') await this.writeAtomically(join(this.dir, 'tasks', `${result.taskId}.json`), result);
    return result;
  }

  private execute(taskId: string, target: CheckTarget, tree: string): Promise<CheckResult> {
    const started = Date.now();
    const base = { taskId, command: target.command, tree, exitCode: null, durationMs: 0, finishedAt: null, cached: false } as const;
    void this.publish({ ...base, status: 'running', summary: 'checking…', output: '' });
    // Its own process group, so that a stop reaches whatever the command started.
    const child = spawn('sh', ['-c', target.command], { cwd: target.worktreePath, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let output = '';
    const take = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-CHECK_OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.stop(child);
    }, CHECK_TIMEOUT_MS);
    timer.unref();
    const done = new Promise<CheckResult>((resolve) => {
      const finish = (exitCode: number | null, failure?: string) => {
        clearTimeout(timer);
        const lastLine = plainLines(output).map((l) => l.trim()).filter(Boolean).at(-1);
        const passed = exitCode === 0 && !timedOut && !failure;
        const ending = failure ?? (timedOut ? `stopped after ${CHECK_TIMEOUT_MS / 60_000} min` : exitCode === null ? 'stopped' : `exit code ${exitCode}`);
        const summary = (passed ? (lastLine ?? 'passed') : lastLine ? `${ending}: ${lastLine}` : ending).slice(0, CHECK_SUMMARY_CHARS);
        resolve({ ...base, status: passed ? 'passed' : 'failed', summary, output, exitCode, durationMs: Date.now() - started, finishedAt: Date.now() });
      };
      child.once('error', (error) => finish(null, `could not start: ${error.message}`));
      child.once('close', (code) => finish(code));
    }).then(async (result) => {
      this.running.delete(taskId);
      // A check the app stopped on its way out says nothing about the tree: it is not kept.
      if (this.disposed) return result;
      await this.writeAtomically(this.resultFile(result.command, result.tree), result);
      await this.publish(result);
      if (this.again.delete(taskId)) this.inBackground(taskId);
      return result;
    });
    this.running.set(taskId, { child, done });
    return done;
  }

  private stop(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null) return;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    setTimeout(() => signal('SIGKILL'), CHECK_KILL_GRACE_MS).unref();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const { child } of this.running.values()) this.stop(child);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await Promise.allSettled([...this.background]);
  }
}
