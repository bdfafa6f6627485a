import { describe, expect, it } from 'vitest';
import type { SchedulerStatus, Session, StateChange, Task, TaskReason } from '../../shared/contract';
import { formatCommandLine, splitCommandLine, storedCommand } from '../../renderer/features/board/commandLine';
import { FailureToasts } from '../../renderer/features/board/failureToasts';
import { filterTasks, NO_FILTER, statusCounts, toggleStatus } from '../../renderer/features/board/filters';
import { agentChip, agentFactsByTask, cardAction, NO_AGENT } from '../../renderer/features/board/liveness';
import { cardReason, clockTime, reasonDetails } from '../../renderer/features/board/taskReason';
import { pageOf } from '../../renderer/features/settings/settingsPages';
import { liveSessions } from '../../renderer/features/terminals/liveSessions';
import { taskDto as task } from './taskDto';

function session(id: string, taskId: string, extra: Partial<Session> = {}): Session {
  return {
    id,
    taskId,
    agentKind: 'claude-code',
    agentSessionId: null,
    state: 'working',
    stateSource: 'title',
    stateAt: 0,
    pid: 1,
    cwd: '/tmp',
    exitCode: null,
    startedAt: 0,
    endedAt: null,
    stopReason: null,
    ...extra,
  };
}

const notFound: TaskReason = { kind: 'blocked', code: 'AGENT_NOT_FOUND', message: 'Codex CLI is not installed (looked for codex on PATH)', attempts: 4, retryAt: null };
const status = (projectId: string, active: boolean): SchedulerStatus => ({ projectId, active, running: 0, waiting: 0, blocked: [], lastError: null });

describe('a custom command line', () => {
  it('is split into words as a shell splits a simple command', () => {
    expect(splitCommandLine('my-agent --fast')).toEqual({ ok: true, argv: ['my-agent', '--fast'] });
    expect(splitCommandLine(`  node  'a b.mjs' "say \\"hi\\" \\$HOME" plain\\ word  `)).toEqual({
      ok: true,
      argv: ['node', 'a b.mjs', 'say "hi" $HOME', 'plain word'],
    });
    // Nothing is expanded: no shell runs it.
    expect(splitCommandLine('echo $HOME *.ts | wc')).toEqual({ ok: true, argv: ['echo', '$HOME', '*.ts', '|', 'wc'] });
    expect(splitCommandLine(`a ''`)).toEqual({ ok: true, argv: ['a', ''] });
  });

  it('refuses an empty line and unclosed quotes with BAD_INPUT, saying what is wrong', () => {
    // Tried: nothing, blanks only, an empty quoted program, open quotes, a trailing backslash.
    for (const line of ['', '   ', "''"]) {
      expect(splitCommandLine(line)).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: 'A custom command task needs a command line to run.', details: { line } } });
    }
    expect(splitCommandLine("run 'oops")).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('single quote') } });
    expect(splitCommandLine('run "oops')).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('double quote') } });
    expect(splitCommandLine('run \\')).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringContaining('backslash') } });
  });

  it('is written back as a line that splits into the same words', () => {
    for (const argv of [['my-agent', '--fast'], ['node', 'a b.mjs', "it's", ''], ['/usr/bin/env', 'X=1', 'a"b']]) {
      const line = formatCommandLine(argv);
      expect(splitCommandLine(line)).toEqual({ ok: true, argv });
    }
    expect(formatCommandLine(['my-agent', '--model=fast', 'src/a.ts'])).toBe('my-agent --model=fast src/a.ts');
    expect(storedCommand({ command: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(storedCommand({ command: 'a b' })).toBeNull();
    expect(storedCommand({})).toBeNull();
  });
});

describe('the reason a card shows', () => {
  it('says a blocked start is a missing agent, and the task view says what to do about it', () => {
    const blocked = task('codex task', 'failed', { agentKind: 'codex', reason: notFound });
    expect(cardReason(blocked, NO_AGENT)).toEqual({ tone: 'blocked', text: 'blocked: agent not installed' });
    expect(reasonDetails(blocked, NO_AGENT)).toEqual({
      tone: 'blocked',
      title: 'Blocked: the agent is not installed',
      code: 'AGENT_NOT_FOUND',
      message: notFound.message,
      advice: expect.stringContaining('set its path in Settings → Agents'),
      fix: 'agent-settings',
    });
    // That button opens the page where the agents' paths are set.
    expect(pageOf('agents.codexPath')).toBe('Agents');
    expect(pageOf('agents.defaultKind')).toBe('Agents');
  });

  it('gives the first line of a failure, and when a retry is due', () => {
    const failed = task('t', 'failed', { reason: { kind: 'failed', code: 'SETUP_FAILED', message: 'setup script exited with 2\nnpm ERR! missing', attempts: 4, retryAt: null } });
    expect(cardReason(failed, NO_AGENT)).toEqual({ tone: 'failed', text: 'failed: setup script exited with 2' });
    expect(reasonDetails(failed, NO_AGENT)).toMatchObject({ title: 'Failed after 4 attempts to start', message: 'setup script exited with 2\nnpm ERR! missing', fix: null });
    const at = new Date(2026, 0, 1, 9, 5).getTime();
    const retrying = task('t', 'ready', { reason: { kind: 'retrying', code: 'SETUP_FAILED', message: 'boom', attempts: 1, retryAt: at } });
    expect(clockTime(at)).toBe('09:05');
    expect(cardReason(retrying, NO_AGENT)).toEqual({ tone: 'retrying', text: 'start failed, next try at 09:05: boom' });
    const custom = task('t', 'failed', { agentKind: 'custom', reason: { kind: 'failed', code: 'BAD_INPUT', message: 'A custom command task needs a command line to run.', attempts: 4, retryAt: null } });
    expect(reasonDetails(custom, NO_AGENT)).toMatchObject({ fix: 'edit-task', advice: expect.stringContaining('command line') });
    // A reason that counts no start (the agent crashed once it ran) does not speak of attempts.
    const crashed = task('t', 'failed', { reason: { kind: 'failed', code: 'INTERNAL', message: 'the agent crashed', attempts: 0, retryAt: null } });
    expect(reasonDetails(crashed, NO_AGENT)).toMatchObject({ title: 'Failed', message: 'the agent crashed' });
  });

  it('says how long a task waited for the app to be back, as a wait rather than a failure, and no toast tells it', () => {
    const waited = task('t', 'ready', {
      reason: { kind: 'waited_for_app', code: 'WAITED_FOR_APP', message: 'waited 12 min for Switchyard to be back; it starts when fewer agents run', attempts: 0, retryAt: null },
    });
    expect(cardReason(waited, NO_AGENT)).toEqual({ tone: 'retrying', text: 'waited 12 min for Switchyard to be back; it starts when fewer agents run' });
    expect(reasonDetails(waited, NO_AGENT)).toMatchObject({ tone: 'retrying', title: 'Waited for Switchyard to be back', code: 'WAITED_FOR_APP', fix: null });
    const toasts = new FailureToasts();
    toasts.seed([task('t', 'ready')]);
    expect(toasts.task(waited)).toBeNull();
  });

  it('quotes the question of an agent that waits, and the exit code of one that failed', () => {
    const waiting = task('t', 'needs_input');
    const asking = session('s', 't', { state: 'needs_input' });
    const question: StateChange = { state: 'needs_input', source: 'hook', at: 1, detail: 'Claude needs your permission to use Bash\nmore' };
    expect(cardReason(waiting, { session: asking, latest: question })).toEqual({ tone: 'needs', text: 'needs you: Claude needs your permission to use Bash' });
    expect(cardReason(waiting, NO_AGENT)).toEqual({ tone: 'needs', text: 'needs you: the agent waits for your answer' });
    // An agent of a task in Review that asks again is shown as needing the user too.
    expect(cardReason(task('t', 'review'), { session: asking, latest: question })?.tone).toBe('needs');
    const crashed = session('s', 't', { endedAt: 5, exitCode: 3, state: 'failed' });
    expect(cardReason(task('t', 'failed'), { session: crashed, latest: null })).toEqual({ tone: 'failed', text: 'failed: the agent exited with code 3' });
    expect(cardReason(task('t', 'review'), { session: crashed, latest: null })).toBeNull();
    expect(reasonDetails(task('t', 'running'), NO_AGENT)).toBeNull();
  });
});

describe('header counts', () => {
  const tasks = [task('a', 'running'), task('b', 'running'), task('c', 'needs_input'), task('d', 'failed'), task('e', 'review'), task('f', 'ready')];

  it('count running, needing the user, ready and failed tasks', () => {
    expect(statusCounts(tasks)).toEqual({ running: 2, needs_input: 1, ready: 1, failed: 1 });
  });

  it('filter the board by one status; a second click shows everything again', () => {
    const failedOnly = toggleStatus(NO_FILTER, 'failed');
    expect(filterTasks(tasks, failedOnly).map((t) => t.id)).toEqual(['d']);
    expect(filterTasks(tasks, toggleStatus(failedOnly, 'running')).map((t) => t.id)).toEqual(['a', 'b']);
    expect(toggleStatus(failedOnly, 'failed')).toEqual(NO_FILTER);
    // The status filter combines with the search.
    expect(filterTasks(tasks, { ...toggleStatus(NO_FILTER, 'running'), query: 'b' }).map((t) => t.id)).toEqual(['b']);
  });
});

describe('whether a task’s agent is live', () => {
  it('prefers the live session over a newer ended one, else the newest', () => {
    const sessions = {
      old: session('old', 't', { startedAt: 1 }),
      newer: session('newer', 't', { startedAt: 2, endedAt: 3 }),
      x1: session('x1', 'u', { startedAt: 1, endedAt: 2 }),
      x2: session('x2', 'u', { startedAt: 5, endedAt: 6 }),
    };
    const latest = { old: { state: 'idle', source: 'hook', at: 4 } as StateChange };
    const facts = agentFactsByTask(sessions, latest);
    expect(facts.get('t')).toEqual({ session: sessions.old, latest: latest.old });
    expect(facts.get('u')).toEqual({ session: sessions.x2, latest: null });
    expect(agentChip(facts.get('t')!)).toEqual({ text: 'live · idle', live: true });
    expect(agentChip(facts.get('u')!)).toBeNull();
    // An agent stopped because it sat idle says so: its conversation waits to be resumed.
    expect(agentChip({ session: session('s', 't', { endedAt: 9, stopReason: 'idle' }), latest: null })).toEqual({ text: 'stopped while idle', live: false });
    expect(agentChip(NO_AGENT)).toBeNull();
  });

  it('offers Open for a live agent, Resume for an ended one whose work goes on, else Start', () => {
    const live = { session: session('s', 't'), latest: null };
    const ended = { session: session('s', 't', { endedAt: 9 }), latest: null };
    expect(cardAction(task('t', 'review'), live)).toBe('open');
    expect(cardAction(task('t', 'ready'), live)).toBe('open');
    expect(cardAction(task('t', 'review'), ended)).toBe('resume');
    expect(cardAction(task('t', 'review'), { session: session('s', 't', { endedAt: 9, stopReason: 'idle' }), latest: null })).toBe('resume');
    expect(cardAction(task('t', 'needs_input'), ended)).toBe('resume');
    expect(cardAction(task('t', 'done'), ended)).toBe('start');
    // Another kind of agent now: its conversation cannot be continued by this one.
    expect(cardAction(task('t', 'review', { agentKind: 'codex' }), ended)).toBe('start');
    expect(cardAction(task('t', 'ready'), NO_AGENT)).toBe('start');
  });

  it('lists every live session for the Terminals view, oldest first', () => {
    const sessions = { b: session('b', 't', { startedAt: 2 }), a: session('a', 'u', { startedAt: 1 }), c: session('c', 'v', { startedAt: 0, endedAt: 1 }) };
    expect(liveSessions(sessions).map((s) => s.id)).toEqual(['a', 'b']);
  });
});

describe('failure toasts', () => {
  const failing = (id: string, projectId = 'p', attempts = 1): Task =>
    task(id, 'ready', { projectId, reason: { kind: 'retrying', code: 'AGENT_NOT_FOUND', message: 'no codex', attempts, retryAt: null } });

  it('toast the first failure of a run only, and again in the next run', () => {
    const toasts = new FailureToasts();
    toasts.scheduler(status('p', true));
    expect(toasts.task(failing('a'))).toMatchObject({ text: expect.stringContaining('no codex') });
    // Tried: the same task failing again, and a second task failing in the same run.
    expect(toasts.task(failing('a', 'p', 2))).toBeNull();
    expect(toasts.task(failing('b'))).toBeNull();
    expect(toasts.task(task('b', 'failed', { reason: notFound }))).toBeNull();
    // Another project's run has its own first failure.
    expect(toasts.task(failing('c', 'q'))).not.toBeNull();
    // The run is paused and started again: its first failure is news again.
    toasts.scheduler(status('p', false));
    toasts.scheduler(status('p', true));
    expect(toasts.task(task('a', 'ready'))).toBeNull();
    expect(toasts.task(failing('a'))).not.toBeNull();
  });

  it('stay quiet about what was already wrong when the board loaded, and tell each failure while no run is on', () => {
    const toasts = new FailureToasts();
    toasts.seed([task('old', 'failed', { reason: notFound }), task('fine', 'ready')]);
    expect(toasts.task(task('old', 'failed', { reason: { ...notFound, attempts: 5 } }))).toBeNull();
    toasts.scheduler(status('p', false));
    expect(toasts.task(task('fine', 'failed'))).toEqual({ tone: 'failed', text: 'failed' });
    expect(toasts.task(failing('other'))).not.toBeNull();
    // Seeding a task seen before does not hide its next failure.
    toasts.seed([task('fine', 'ready')]);
    toasts.task(task('fine', 'ready'));
    expect(toasts.task(task('fine', 'failed'))).not.toBeNull();
  });
});
