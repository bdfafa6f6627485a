import xtermHeadless from '@xterm/headless';
import { spawn, type IPty } from 'node-pty';
import type { StateChange } from '../../shared/contract/sessionState';
import type { ResolvedLaunch } from '../../electron/core/agents/adapter';
import type { StateObserver } from '../../electron/core/agents/stateObserver';

const { Terminal } = xtermHeadless;

/** Delay between a program's first output and typing its initial input into it (ms). */
const TYPE_AFTER_FIRST_OUTPUT_MS = 200;

/**
 * The observer's inputs, produced the way the session host produces them: a real pty, its output
 * parsed by @xterm/headless, the title from OSC 0/2 and the visible rows after each parse.
 */
export class TerminalDriver {
  readonly term: InstanceType<typeof Terminal>;
  readonly changes: StateChange[] = [];
  private pty: IPty | null = null;
  private exitWaiters: ((code: number) => void)[] = [];
  exitCode: number | null = null;
  text = '';

  constructor(private readonly observer: StateObserver, cols = 100, rows = 30) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true });
    this.term.onTitleChange((title) => observer.onTitle(title));
  }

  /** Feeds bytes as the host would, then hands the observer the screen once xterm has parsed them. */
  feed(data: string): Promise<void> {
    this.text += data;
    this.observer.onOutput(data);
    return new Promise((resolve) =>
      this.term.write(data, () => {
        this.observer.onScreen(this.screen());
        resolve();
      }),
    );
  }

  /** The states seen and the screen, for a wait that timed out. */
  readonly explain = (): string => {
    const states = this.changes.map((c) => `${c.state}/${c.source}`).join(' → ');
    return `states: ${states}\nscreen:\n${this.screen().join('\n')}`;
  };

  screen(): string[] {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines;
  }

  start(launch: ResolvedLaunch, extraEnv: Record<string, string> = {}): IPty {
    const pty = spawn(launch.file, launch.args, {
      name: 'xterm-256color',
      cols: this.term.cols,
      rows: this.term.rows,
      cwd: launch.cwd,
      env: { ...(process.env as Record<string, string>), ...launch.env, ...extraEnv, TERM: 'xterm-256color' },
    });
    this.pty = pty;
    pty.onData((data) => void this.feed(data));
    pty.onExit(({ exitCode, signal }) => {
      this.exitCode = exitCode;
      this.observer.onExit(exitCode, signal === 0 || signal === undefined ? null : signal);
      for (const done of this.exitWaiters.splice(0)) done(exitCode);
    });
    // Typed input waits until the program has drawn something (it is reading the terminal by then).
    if (launch.initialInput !== undefined) {
      const input = launch.initialInput;
      const first = pty.onData(() => {
        first.dispose();
        setTimeout(() => pty.write(input), TYPE_AFTER_FIRST_OUTPUT_MS);
      });
    }
    return pty;
  }

  write(data: string): void {
    this.pty?.write(data);
  }

  waitForExit(timeoutMs = 10_000): Promise<number> {
    if (this.exitCode !== null) return Promise.resolve(this.exitCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms; screen:\n${this.screen().join('\n')}`)), timeoutMs);
      this.exitWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  kill(): void {
    if (this.exitCode === null) this.pty?.kill('SIGKILL');
  }

  dispose(): void {
    this.kill();
    this.term.dispose();
  }
}
