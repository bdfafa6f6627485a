import { accessSync, constants, statSync } from 'node:fs';
import * as pty from 'node-pty';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import { spawnWithoutDescriptorGaps } from './descriptorGaps';
import type { AgentLaunch } from './launch';
import { loginEnvironment } from './loginEnvironment';
import { drainTailOnEnd } from './ptyTailDrain';

/**
 * After the program exits, output may still be in the pty: the exit is reported once no data has
 * come for this long (ms), as VS Code's terminal does (its DataFlushTimeout).
 */
export const EXIT_DATA_FLUSH_MS = 100;

export interface ExitResult {
  exitCode: number;
  signal: number | null;
}

export interface PtyListeners {
  /** Raw bytes as read: decoding is the caller's, so that a character split across reads survives. */
  onData(chunk: Uint8Array): void;
  /** The program exited and its last output was read. */
  onExit(result: ExitResult): void;
}

/** One run of a program in a pty: its output, its exit once its output is all read, and what can be done to it. */
export class PtyProcess implements Disposable {
  private readonly child: pty.IPty;
  private exitTimer: ReturnType<typeof setTimeout> | undefined;
  private exitResult: ExitResult | undefined;
  private resolveExit!: (result: ExitResult) => void;
  /** Resolves once the exit was reported. */
  readonly exited = new Promise<ExitResult>((resolve) => (this.resolveExit = resolve));

  constructor(launch: AgentLaunch, cols: number, rows: number, private readonly listeners: PtyListeners) {
    checkLaunch(launch);
    try {
      const env = loginEnvironment(launch.env);
      // No other agent's terminal may reach this one (see descriptorGaps.ts).
      this.child = spawnWithoutDescriptorGaps(() =>
        pty.spawn(launch.file, launch.args, { name: 'xterm-256color', cols, rows, cwd: launch.cwd, env, encoding: null }),
      );
    } catch (error) {
      throw new SwitchyardError('AGENT_NOT_FOUND', `could not start ${launch.file}: ${(error as Error).message}`, {
        file: launch.file,
        cwd: launch.cwd,
      });
    }
    const onData = (chunk: Uint8Array) => {
      listeners.onData(chunk);
      if (this.exitResult) this.reportExitWhenQuiet();
    };
    this.child.onData((chunk) => onData(chunk as unknown as Uint8Array));
    drainTailOnEnd(this.child, onData);
    this.child.onExit(({ exitCode, signal }) => {
      this.exitResult = { exitCode, signal: signal ? signal : null };
      this.reportExitWhenQuiet();
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  /** The program has exited; its remaining output is still being read. */
  get ended(): boolean {
    return this.exitResult !== undefined;
  }

  write(data: string): void {
    this.child.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.ended) return;
    try {
      this.child.resize(cols, rows);
    } catch {
      // The program is exiting and its pty already closed (EBADF): there is nothing left to resize.
    }
  }

  pause(): void {
    this.child.pause();
  }

  resume(): void {
    this.child.resume();
  }

  private reportExitWhenQuiet(): void {
    clearTimeout(this.exitTimer);
    this.exitTimer = setTimeout(() => {
      this.exitTimer = undefined;
      this.listeners.onExit(this.exitResult!);
      this.resolveExit(this.exitResult!);
    }, EXIT_DATA_FLUSH_MS);
  }

  /** Forgets a pending exit report; the program itself is stopped by the caller (see stopSession). */
  dispose(): void {
    clearTimeout(this.exitTimer);
    this.exitTimer = undefined;
  }
}

/**
 * Refuses, as typed errors, what the pty would only report from the child as a line of text and
 * an exit code: a program that is not there or not executable, a working directory that is not.
 */
function checkLaunch(launch: AgentLaunch): void {
  try {
    accessSync(launch.file, constants.X_OK);
  } catch {
    throw new SwitchyardError('AGENT_NOT_FOUND', `${launch.file} does not exist or is not executable`, { file: launch.file });
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(launch.cwd).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDirectory) throw new SwitchyardError('PATH_NOT_FOUND', `working directory ${launch.cwd} does not exist`, { cwd: launch.cwd });
}
