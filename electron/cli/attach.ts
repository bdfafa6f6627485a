import { TERMINAL_ACK_CHARS } from '../../shared/constants';
import { SwitchyardError } from '../../shared/errors';
import { answeredQueryFilter } from '../../shared/terminalQueries';
import type { CoreAccess } from './coreAccess';
import { liveSession, resolveTask, taskLabel } from './taskRef';
import { TerminalRestore } from './terminalRestore';

/** The key that leaves an attached terminal, as telnet's: Ctrl-], which agents' UIs leave alone. */
const DETACH_BYTE = 0x1d;
const DETACH_NAME = 'Ctrl-]';

/**
 * This terminal on a running agent's pty, like `tmux attach`: its screen as it is now, then its
 * output; keystrokes go to the agent; the terminal's size is the pane's. Ctrl-] detaches and the
 * agent keeps running. Resolves with how it ended.
 */
export async function attach(access: CoreAccess, ref: string, flags: { project?: string; json?: boolean }): Promise<'detached' | 'exited'> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY) {
    throw new SwitchyardError('BAD_INPUT', 'attach needs a terminal, and stdin is not one: read the output with switchyard transcript TASK instead');
  }
  const task = await resolveTask(access, ref, flags.project);
  const session = await liveSession(access, task);
  const size = () => ({ cols: Math.max(2, Math.min(stdout.columns || 80, 1_000)), rows: Math.max(1, Math.min(stdout.rows || 24, 500)) });

  let seq = 0;
  let unacked = 0;
  // The session host answers the program's questions to its terminal: this terminal must not as well.
  const withoutQueries = answeredQueryFilter();
  // What the agent turns on in this terminal is turned off when it is given back.
  const modes = new TerminalRestore();
  const show = (text: string) => {
    modes.see(text);
    stdout.write(text);
  };
  let settle: (how: 'detached' | 'exited') => void = () => undefined;
  const ended = new Promise<'detached' | 'exited'>((resolve) => (settle = resolve));
  const stopEvents = access.onEvent(({ event, payload }) => {
    const p = payload as { sessionId?: string; seq?: number; data?: string };
    if (p.sessionId !== session.id) return;
    if (event === 'terminal.data' && typeof p.seq === 'number' && typeof p.data === 'string') {
      if (p.seq <= seq) return;
      seq = p.seq;
      show(withoutQueries(p.data));
      unacked += p.data.length;
      if (unacked >= TERMINAL_ACK_CHARS) {
        access.message('terminal.ack', { sessionId: session.id, chars: unacked });
        unacked = 0;
      }
    } else if (event === 'terminal.detached') {
      // Fell behind: the screen is sent again from a snapshot.
      void reattach();
    } else if (event === 'session.exited') {
      settle('exited');
    }
  });
  const reattach = async () => {
    const attached = await access.call<{ snapshot: string; seq: number }>('terminal.attach', { sessionId: session.id, ...size() });
    seq = attached.seq;
    show(`\x1b[2J\x1b[H${attached.snapshot}`);
  };
  const stopClose = access.onClose(() => settle('exited'));

  stdout.write(`attached to ${taskLabel(task)} (pid ${session.pid ?? '?'}) · detach with ${DETACH_NAME}\r\n`);
  await reattach();
  stdin.setRawMode(true);
  stdin.resume();
  const onInput = (chunk: Buffer) => {
    const detachAt = chunk.indexOf(DETACH_BYTE);
    const data = (detachAt >= 0 ? chunk.subarray(0, detachAt) : chunk).toString('utf8');
    if (data !== '') access.message('terminal.input', { sessionId: session.id, data });
    if (detachAt >= 0) settle('detached');
  };
  const onResize = () => access.message('terminal.resize', { sessionId: session.id, ...size() });
  stdin.on('data', onInput);
  stdout.on('resize', onResize);

  const how = await ended;
  stdin.off('data', onInput);
  stdout.off('resize', onResize);
  stdin.setRawMode(false);
  stdin.pause();
  stopEvents();
  stopClose();
  if (how === 'detached') await access.call('terminal.detach', { sessionId: session.id }).catch(() => undefined);
  stdout.write(modes.restore());
  const line = how === 'detached' ? `detached from ${taskLabel(task)}; it keeps running` : `${taskLabel(task)} ended`;
  stdout.write(`\r\n${flags.json ? JSON.stringify({ taskId: task.id, sessionId: session.id, ended: how }) : line}\r\n`);
  return how;
}
