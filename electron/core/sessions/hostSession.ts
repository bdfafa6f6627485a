import type { StateChange } from '../../../shared/contract/sessionState';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import { FlowControl, type FlowLimits } from './flowControl';
import type { AttachReply, HostEvent, HostSessionInfo, StateReport } from './hostProtocol';
import { InitialInput } from './initialInput';
import type { AgentLaunch } from './launch';
import type { MirrorThread, RemoteMirror } from './mirrorThread';
import { OutputBatcher } from './outputBatcher';
import type { OutputBudget } from './outputBudget';
import { PauseGate } from './pauseGate';
import { PtyProcess, type ExitResult } from './ptyProcess';
import { stopSession } from './stopEscalation';
import type { CreateTerminalObserver, TerminalObserver } from './terminalObserver';

/** The detail of the exit of a program that was stopped on purpose (by the user, or by the app quitting). */
export const STOPPED_DETAIL = 'stopped';

/** The screen is handed to the state observer at most this often (ms): heuristics need no more. */
export const SCREEN_SAMPLE_MS = 100;

/** ETX, what the terminal sends for Ctrl-C; the line discipline turns it into SIGINT for the foreground group. */
const CTRL_C = '\x03';

export interface HostSessionOptions {
  createObserver: CreateTerminalObserver;
  flowLimits: FlowLimits;
  stopGraceMs: number;
  mirrors: MirrorThread;
  /** What the sessions no pane shows may output together. */
  unwatchedBudget: OutputBudget;
  emit: (event: HostEvent) => void;
  /** The agent state channel, apart from `emit`. */
  reportState: (report: StateReport) => void;
}

/** One run of the session's program, with what watches it and what it is typed. */
interface Run {
  pty: PtyProcess;
  observer: TerminalObserver;
  initialInput: InitialInput;
  stopping: boolean;
  /** The seq of its first output batch. */
  firstSeq: number;
}

/**
 * One session of the host: a pty running the agent (again after a restart or resume), with its
 * output numbered, mirrored and sent to the clients attached to it under flow control. The seq,
 * the mirror and the attached clients outlive a run, so that a restarted program continues in the
 * same panes.
 */
export class HostSession {
  private readonly mirror: RemoteMirror;
  private readonly gate = new PauseGate();
  private budgetWait: Disposable | undefined;
  private readonly flow: FlowControl;
  private readonly batcher: OutputBatcher;
  private run: Run | undefined;
  private launch: AgentLaunch | null = null;
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
      onBackpressure: (behind) => this.gate.set('mirror', behind),
      // What a terminal answers to a query (the cursor's position), to the run that asked: not to
      // the next one, when the program ended and was started again.
      onAnswer: (data, seq) => this.run && seq >= this.run.firstSeq && !this.run.pty.ended && this.run.pty.write(data),
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
      launch: this.launch,
    };
  }

  spawn(launch: AgentLaunch): { pid: number } {
    if (this.run) throw new SwitchyardError('CONFLICT', `session ${this.id} is already running`, { sessionId: this.id });
    // The last run's output is posted under its own seqs, whose answers go to no one now.
    this.mirror.flush();
    const ptyProcess: PtyProcess = new PtyProcess(launch, this.mirror.cols, this.mirror.rows, {
      onData: (chunk) => {
        this.batcher.push(chunk);
        run.initialInput.onOutput();
      },
      onExit: (result) => {
        this.batcher.flush(true);
        this.finish(run, result);
      },
    });
    const run: Run = {
      pty: ptyProcess,
      observer: this.options.createObserver({ sessionId: this.id, launch }, (change) => this.report(change)),
      // Never typed into a program that already exited.
      initialInput: new InitialInput(launch.initialInput, (text) => !ptyProcess.ended && ptyProcess.write(text)),
      stopping: false,
      firstSeq: this.batcher.lastSeq + 1,
    };
    this.run = run;
    this.launch = launch;
    this.report({ state: 'starting', source: 'host', at: Date.now() });
    this.gate.open(ptyProcess);
    return { pid: ptyProcess.pid };
  }

  /** Its program runs and takes what is typed (it has not exited, even if its last output is still read). */
  get acceptsInput(): boolean {
    return this.run !== undefined && !this.run.pty.ended;
  }

  input(data: string): void {
    const run = this.requireRun();
    this.batcher.expectEcho();
    run.pty.write(data);
    run.observer.onInput(data);
  }

  interrupt(): void {
    this.requireRun().pty.write(CTRL_C);
  }

  resize(cols: number, rows: number): void {
    this.mirror.resize(cols, rows);
    this.run?.pty.resize(cols, rows);
  }

  /** SIGTERM to every process of the session, SIGKILL to whatever is left after the grace period. */
  async stop(): Promise<ExitResult> {
    // Exited already, its last output still being read: nothing left to signal.
    if (this.run?.pty.ended) return this.run.pty.exited;
    const run = this.requireRun();
    run.stopping = true;
    this.gate.release();
    await stopSession(run.pty.pid, run.pty.exited, this.options.stopGraceMs);
    return run.pty.exited;
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
    const to = this.flow.clientIds;
    // Sent on its way to the panes first: the mirror and the observer are not what a typist waits for.
    this.options.emit({ type: 'output', sessionId: this.id, seq, data, to });
    this.mirror.write(seq, data);
    this.run?.observer.onOutput(data);
    if (to.length > 0) {
      if (this.flow.sent(data.length)) this.pausePty();
    } else if (!this.options.unwatchedBudget.spend(data.length) && !this.budgetWait) {
      this.gate.set('budget', true);
      this.budgetWait = this.options.unwatchedBudget.wait(() => this.leaveBudget());
    }
  }

  /** Lifts a pause for the unwatched budget: a client watches now, or the budget has room again. */
  private leaveBudget(): void {
    this.budgetWait?.dispose();
    this.budgetWait = undefined;
    if (this.gate.holds('budget')) this.gate.set('budget', false);
  }

  private pausePty(): void {
    this.gate.set('clients', true);
    this.options.emit({ type: 'flow', sessionId: this.id, paused: true });
    this.slowTimer ??= setTimeout(() => this.dropSlowClients(), this.options.flowLimits.slowClientMs);
  }

  private resumePty(): void {
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    this.gate.set('clients', false);
    this.options.emit({ type: 'flow', sessionId: this.id, paused: false });
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

  private finish(run: Run, result: ExitResult): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.gate.close();
    run.initialInput.dispose();
    run.pty.dispose();
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
    if (!this.run || this.run.pty.ended) {
      throw new SwitchyardError('SESSION_NOT_RUNNING', `session ${this.id} is not running`, { sessionId: this.id });
    }
    return this.run;
  }

  /** Kills what still runs (its run's timers go with its exit, in `finish`) and frees the mirror and every timer. */
  async dispose(): Promise<void> {
    if (this.run) await this.stop();
    if (this.slowTimer) clearTimeout(this.slowTimer);
    if (this.screenTimer) clearTimeout(this.screenTimer);
    this.budgetWait?.dispose();
    this.batcher.dispose();
    this.mirror.dispose();
  }
}
