import { accessSync, constants, statSync } from 'node:fs';
import * as pty from 'node-pty';
import type { StateChange } from '../../../shared/contract/sessionState';
import { SwitchyardError } from '../../../shared/errors';
import { FlowControl, type FlowLimits } from './flowControl';
import type { AttachReply, HostEvent, HostSessionInfo, StateReport } from './hostProtocol';
import type { AgentLaunch } from './launch';
import { loginEnvironment } from './loginEnvironment';
import { OutputBatcher } from './outputBatcher';
import type { OutputBudget } from './outputBudget';
import { sessionMembers, signalSession } from './processGroup';
import { drainTailOnEnd } from './ptyTailDrain';
import type { MirrorThread, RemoteMirror } from './mirrorThread';
import type { CreateObserver, SessionObserver } from './stateObserver';
import type { Disposable } from '../disposable';

/** The detail of the exit of a program that was stopped on purpose (by the user, or by the app quitting). */
export const STOPPED_DETAIL = 'stopped';

/** How long a stopped program gets between SIGTERM and SIGKILL to exit on its own (ms). */
export const STOP_GRACE_MS = 3_000;

/** How often a stop looks whether every process of the session is gone (ms). */
const STOP_POLL_MS = 25;

/**
 * After the program exits, output may still be in the pty: the exit is reported once no data has
 * come for this long (ms), as VS Code's terminal does (its DataFlushTimeout).
 */
export const EXIT_DATA_FLUSH_MS = 100;

/** The screen is handed to the state observer at most this often (ms): heuristics need no more. */
export const SCREEN_SAMPLE_MS = 100;

/** ETX, what the terminal sends for Ctrl-C; the line discipline turns it into SIGINT for the foreground group. */
const CTRL_C = '\x03';

export interface HostSessionOptions {
  createObserver: CreateObserver;
  flowLimits: FlowLimits;
  stopGraceMs: number;
  mirrors: MirrorThread;
  /** What the sessions no pane shows may output together. */
  unwatchedBudget: OutputBudget;
  emit: (event: HostEvent) => void;
  /** The agent state channel, apart from `emit`. */
  reportState: (report: StateReport) => void;
}

interface Run {
  pty: pty.IPty;
  observer: SessionObserver;
  stopping: boolean;
  /** The program has exited; its remaining output is still being read. */
  ended: boolean;
  exited: Promise<{ exitCode: number; signal: number | null }>;
}

/**
 * One session of the host: a pty running the agent (again after a restart or resume), with its
 * output numbered, mirrored and sent to the clients attached to it under flow control. The seq,
 * the mirror and the attached clients outlive a run, so that a restarted program continues in the
 * same panes.
 */
/** Quiet time after the program's latest output before its typed prompt is sent (ms). */
const INITIAL_INPUT_SETTLE_MS = 200;
/** Longest wait for a first output before the typed prompt is sent anyway (ms). */
const INITIAL_INPUT_MAX_WAIT_MS = 3_000;

export class HostSession {
  private readonly mirror: RemoteMirror;
  /**
   * Why the pty is paused: clients behind on acknowledgements, the mirror behind on parsing, or,
   * with no client attached, the unwatched sessions' output budget overdrawn.
   */
  private readonly pausedBy = { clients: false, mirror: false, budget: false };
  private budgetWait: Disposable | undefined;
  private ptyPaused = false;
  private readonly flow: FlowControl;
  private readonly batcher: OutputBatcher;
  private run: Run | undefined;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;
  private screenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    cols: number,
    rows: number,
    private readonly options: HostSessionOptions,
    startSeq = 0,
  ) {
    this.flow = new FlowControl(options.flowLimits);
    this.mirror = options.mirrors.create(id, cols, rows, {
      onTitle: (title) => this.run?.observer.onTitle(title),
      onParsed: () => this.scheduleScreenSample(),
      onBackpressure: (behind) => {
        this.pausedBy.mirror = behind;
        this.applyPause();
      },
    });
    this.batcher = new OutputBatcher((seq, data) => this.onBatch(seq, data), startSeq);
  }

  get running(): boolean {
    return this.run !== undefined;
  }

  info(): HostSessionInfo {
    return {
      sessionId: this.id,
      pid: this.run?.pty.pid ?? 0,
      running: this.running,
      seq: this.batcher.lastSeq,
      cols: this.mirror.cols,
      rows: this.mirror.rows,
      paused: this.flow.isPaused,
      clients: this.flow.clientIds,
    };
  }

  spawn(launch: AgentLaunch): { pid: number } {
    if (this.run) throw new SwitchyardError('CONFLICT', `session ${this.id} is already running`, { sessionId: this.id });
    checkLaunch(launch);
    let child: pty.IPty;
    try {
      child = pty.spawn(launch.file, launch.args, {
        name: 'xterm-256color',
        cols: this.mirror.cols,
        rows: this.mirror.rows,
        cwd: launch.cwd,
        env: loginEnvironment(launch.env),
        // Raw bytes: decoding is ours, so that a character split across reads survives.
        encoding: null,
      });
    } catch (error) {
      throw new SwitchyardError('AGENT_NOT_FOUND', `could not start ${launch.file}: ${(error as Error).message}`, {
        file: launch.file,
        cwd: launch.cwd,
      });
    }
    const observer = this.options.createObserver({ sessionId: this.id, launch }, (change) => this.report(change));
    let resolveExit!: (result: { exitCode: number; signal: number | null }) => void;
    const run: Run = {
      pty: child,
      observer,
      stopping: false,
      ended: false,
      exited: new Promise((resolve) => (resolveExit = resolve)),
    };
    this.run = run;
    let exitTimer: ReturnType<typeof setTimeout> | undefined;
    let exitResult: { exitCode: number; signal: number | null } | undefined;
    const reportExit = () => {
      if (exitTimer) clearTimeout(exitTimer);
      exitTimer = setTimeout(() => {
        this.batcher.flush(true);
        this.finish(run, exitResult!);
        resolveExit(exitResult!);
      }, EXIT_DATA_FLUSH_MS);
    };
    // Typed input waits for the program's first output and a moment more: typed earlier, before
    // the program puts the terminal in raw mode, it can be echoed twice or garbled.
    let pendingInput = launch.initialInput;
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
    const typeInitialInput = () => {
      clearTimeout(settleTimer);
      clearTimeout(deadlineTimer);
      if (!pendingInput || run.ended) return;
      child.write(pendingInput);
      pendingInput = undefined;
    };
    if (pendingInput) deadlineTimer = setTimeout(typeInitialInput, INITIAL_INPUT_MAX_WAIT_MS);
    const onData = (chunk: Uint8Array) => {
      this.batcher.push(chunk);
      if (pendingInput) {
        clearTimeout(settleTimer);
        settleTimer = setTimeout(typeInitialInput, INITIAL_INPUT_SETTLE_MS);
      }
      if (exitResult) reportExit();
    };
    child.onData((chunk) => onData(chunk as unknown as Uint8Array));
    drainTailOnEnd(child, onData);
    child.onExit(({ exitCode, signal }) => {
      run.ended = true;
      clearTimeout(settleTimer);
      clearTimeout(deadlineTimer);
      exitResult = { exitCode, signal: signal ? signal : null };
      reportExit();
    });
    this.report({ state: 'starting', source: 'host', at: Date.now() });
    this.ptyPaused = false;
    this.applyPause();
    return { pid: child.pid };
  }

  input(data: string): void {
    this.requireRun().pty.write(data);
  }

  interrupt(): void {
    this.requireRun().pty.write(CTRL_C);
  }

  resize(cols: number, rows: number): void {
    this.mirror.resize(cols, rows);
    if (!this.run || this.run.ended) return;
    try {
      this.run.pty.resize(cols, rows);
    } catch {
      // The program is exiting and its pty already closed (EBADF): there is nothing left to resize.
    }
  }

  /** SIGTERM to every process of the session, SIGKILL to whatever is left after the grace period. */
  async stop(): Promise<{ exitCode: number; signal: number | null }> {
    // Exited already, its last output still being read: nothing left to signal.
    if (this.run?.ended) return this.run.exited;
    const run = this.requireRun();
    run.stopping = true;
    // A paused pty is never drained, and node-pty reports the exit only once its output is read.
    this.applyPause();
    const leader = run.pty.pid;
    let leaderGone = false;
    void run.exited.then(() => (leaderGone = true));
    const running = () => !leaderGone || sessionMembers(leader).length > 0;
    signalSession(leader, 'SIGTERM');
    const deadline = Date.now() + this.options.stopGraceMs;
    while (running() && Date.now() < deadline) await delay(STOP_POLL_MS);
    while (running()) {
      signalSession(leader, 'SIGKILL');
      await Promise.race([run.exited, delay(STOP_POLL_MS)]);
    }
    return run.exited;
  }

  async attach(clientId: string, size?: { cols: number; rows: number }): Promise<AttachReply> {
    if (size) this.resize(size.cols, size.rows);
    // Joined before the snapshot is taken: events after it reach the client, which drops those
    // at or below the snapshot's seq.
    if (!this.flow.has(clientId)) this.flow.add(clientId);
    this.leaveBudget();
    const { snapshot, seq } = await this.mirror.snapshot();
    return { snapshot, seq, cols: this.mirror.cols, rows: this.mirror.rows };
  }

  detach(clientId: string): void {
    if (this.flow.remove(clientId)) this.resumePty();
  }

  ack(clientId: string, chars: number): void {
    if (this.flow.ack(clientId, chars)) this.resumePty();
  }

  private onBatch(seq: number, data: string): void {
    this.mirror.write(seq, data);
    this.run?.observer.onOutput(data);
    const to = this.flow.clientIds;
    this.options.emit({ type: 'output', sessionId: this.id, seq, data, to });
    if (to.length > 0) {
      if (this.flow.sent(data.length)) this.pausePty();
    } else if (!this.options.unwatchedBudget.spend(data.length) && !this.budgetWait) {
      this.pausedBy.budget = true;
      this.applyPause();
      this.budgetWait = this.options.unwatchedBudget.wait(() => this.leaveBudget());
    }
  }

  /** Lifts a pause for the unwatched budget: a client watches now, or the budget has room again. */
  private leaveBudget(): void {
    this.budgetWait?.dispose();
    this.budgetWait = undefined;
    if (!this.pausedBy.budget) return;
    this.pausedBy.budget = false;
    this.applyPause();
  }

  private pausePty(): void {
    this.pausedBy.clients = true;
    this.applyPause();
    this.options.emit({ type: 'flow', sessionId: this.id, paused: true });
    this.slowTimer ??= setTimeout(() => this.dropSlowClients(), this.options.flowLimits.slowClientMs);
  }

  private resumePty(): void {
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    this.pausedBy.clients = false;
    this.applyPause();
    this.options.emit({ type: 'flow', sessionId: this.id, paused: false });
  }

  /** Pauses the pty while anything holds it (never while stopping), resumes it once nothing does. */
  private applyPause(): void {
    const run = this.run;
    if (!run) return;
    const pause = !run.stopping && (this.pausedBy.clients || this.pausedBy.mirror || this.pausedBy.budget);
    if (pause === this.ptyPaused) return;
    this.ptyPaused = pause;
    if (pause) run.pty.pause();
    else run.pty.resume();
  }

  private dropSlowClients(): void {
    this.slowTimer = undefined;
    for (const clientId of this.flow.slowClients()) {
      this.options.emit({ type: 'detached', sessionId: this.id, clientId, reason: 'slow' });
      if (this.flow.remove(clientId)) this.resumePty();
    }
    if (this.flow.isPaused) this.slowTimer = setTimeout(() => this.dropSlowClients(), this.options.flowLimits.slowClientMs);
  }

  private scheduleScreenSample(): void {
    if (this.screenTimer || !this.run) return;
    this.screenTimer = setTimeout(() => {
      this.screenTimer = undefined;
      const run = this.run;
      if (run) void this.mirror.screenLines().then((lines) => this.run === run && run.observer.onScreen(lines));
    }, SCREEN_SAMPLE_MS);
  }

  private finish(run: Run, result: { exitCode: number; signal: number | null }): void {
    if (this.run !== run) return;
    this.run = undefined;
    // A program stopped on purpose exits by a signal or with 143: that is no failure of the agent.
    if (!run.stopping) run.observer.onExit(result.exitCode, result.signal);
    run.observer.dispose();
    const at = Date.now();
    const clean = run.stopping || (result.exitCode === 0 && result.signal === null);
    this.report({
      state: clean ? 'exited' : 'failed',
      source: 'exit',
      at,
      detail: run.stopping ? STOPPED_DETAIL : result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`,
    });
    this.options.emit({ type: 'exited', sessionId: this.id, exitCode: result.exitCode, signal: result.signal, at });
  }

  private report(change: StateChange): void {
    this.options.reportState({ sessionId: this.id, change });
  }

  private requireRun(): Run {
    if (!this.run || this.run.ended) {
      throw new SwitchyardError('SESSION_NOT_RUNNING', `session ${this.id} is not running`, { sessionId: this.id });
    }
    return this.run;
  }

  /** Kills what still runs and frees the mirror. */
  async dispose(): Promise<void> {
    if (this.run) await this.stop();
    if (this.slowTimer) clearTimeout(this.slowTimer);
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.budgetWait?.dispose();
    this.batcher.dispose();
    this.mirror.dispose();
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
