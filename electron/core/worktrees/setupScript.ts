import { spawn, type ChildProcess } from 'node:child_process';
import type { Disposable } from '../disposable';

/** How much of the script's output is kept for the error a failure reports (characters). */
export const SETUP_OUTPUT_TAIL_CHARS = 4_000;

/** How long a setup script may run before it is stopped and the start fails (ms). */
export const SETUP_SCRIPT_TIMEOUT_MS = 15 * 60_000;

/** Between SIGTERM and SIGKILL when a script is stopped (ms). */
const KILL_GRACE_MS = 2_000;

export interface ScriptResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The last SETUP_OUTPUT_TAIL_CHARS characters of stdout and stderr, interleaved as they came. */
  tail: string;
}

/**
 * Runs the project's setup script, a shell command line the user wrote, in the worktree, in its own
 * process group. Output goes to `onOutput` as it comes. Disposing stops it (and its children).
 */
export class SetupScriptRun implements Disposable {
  private readonly child: ChildProcess;
  private tail = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly done: Promise<ScriptResult>;

  constructor(script: string, cwd: string, env: Record<string, string>, onOutput: (text: string) => void, timeoutMs = SETUP_SCRIPT_TIMEOUT_MS) {
    const [shell, flag] = process.platform === 'win32' ? [process.env.ComSpec ?? 'cmd.exe', '/c'] : ['/bin/sh', '-c'];
    this.child = spawn(shell, [flag, script], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let timedOut = false;
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.tail = (this.tail + text).slice(-SETUP_OUTPUT_TAIL_CHARS);
      onOutput(text);
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.timer = setTimeout(() => {
      timedOut = true;
      this.stop();
    }, timeoutMs);
    this.done = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.tail = `${this.tail}${error.message}`.slice(-SETUP_OUTPUT_TAIL_CHARS);
        clearTimeout(this.timer);
        resolve({ exitCode: null, signal: null, timedOut, tail: this.tail });
      });
      this.child.on('close', (exitCode, signal) => {
        clearTimeout(this.timer);
        resolve({ exitCode, signal, timedOut, tail: this.tail });
      });
    });
  }

  private stop(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (process.platform === 'win32') this.child.kill(signal);
        else process.kill(-pid, signal);
      } catch {
        // Already gone.
      }
    };
    kill('SIGTERM');
    setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.stop();
  }
}
