import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as pty from 'node-pty';
import { treeCpuMs } from './treeCpu';

const run = promisify(execFile);

/** What a flood into a peer terminal took. */
export interface PeerFlood {
  /** Wall clock from the command's start until the terminal showed its end, in ms. */
  ms: number;
  /** CPU ms the peer's processes and this one's tree spent meanwhile; null where there is no /proc. */
  cpuMs: number | null;
}

/**
 * Runs `command` (a shell command line) in a tmux session with a client attached in a pty of
 * `cols`×`rows` (as a user's terminal would be, so tmux redraws for it), and times it from its
 * start until it ends. The client's output is read and dropped.
 */
export async function floodThroughTmux(command: string, cols: number, rows: number): Promise<PeerFlood> {
  const socket = `switchyard-bench-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);
  const waitFor = `tmux -L ${socket} wait-for`;
  // The shell waits on `release` after the command, which nothing signals: were it to end, the
  // server would leave with its last session and take its CPU out of the second reading.
  const script = `${waitFor} go; ${command}; ${waitFor} -S flood-done; ${waitFor} release`;
  await tmux('new-session', '-d', '-s', 'flood', '-x', String(cols), '-y', String(rows), script);
  const client = pty.spawn('tmux', ['-L', socket, '-f', '/dev/null', 'attach-session', '-t', 'flood'], { cols, rows, encoding: null });
  try {
    let drawn: () => void = () => {};
    const firstDraw = new Promise<void>((resolve, reject) => {
      drawn = resolve;
      client.onExit(({ exitCode }) => reject(new Error(`the tmux client ended (exit ${exitCode}) before it drew anything`)));
    });
    client.onData(() => drawn());
    await firstDraw;
    const serverPid = Number((await tmux('display-message', '-p', '#{pid}')).stdout.trim());
    const roots = [process.pid, serverPid];
    const cpuBefore = treeCpuMs(roots);
    const started = performance.now();
    await tmux('wait-for', '-S', 'go');
    await tmux('wait-for', 'flood-done');
    const ms = performance.now() - started;
    const cpuAfter = treeCpuMs(roots);
    return { ms, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
  } finally {
    client.kill();
    await tmux('kill-server').catch(() => {
      // The server already left with its last session.
    });
  }
}
