import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import type { LaunchRequest, TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import type { CreateTerminalObserver } from '../../electron/core/sessions/terminalObserver';
import type { Session, Task } from '../../shared/contract';
import type { ServerMessage } from '../../shared/protocol';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { sessionMembers } from '../../electron/core/sessions/processGroup';

const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/** A launcher that runs the task's prompt as a shell script, and remembers what it was asked. */
function scriptLauncher(requests: LaunchRequest[] = []): TaskLauncher {
  return async (task, request) => {
    requests.push(request);
    return { file: '/bin/sh', args: ['-c', task.prompt], env: {}, cwd: tempDir(), agentSessionId: `agent-${request.sessionId}` };
  };
}

function makeCoreWith(launcher: TaskLauncher, dataDir = tempDir('switchyard-data-'), createObserver?: CreateTerminalObserver) {
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger(), launcher, createObserver });
  cores.push(core);
  return core;
}

/** A client over the real connection class, recording what the core sends it. */
function connect(core: Core) {
  const messages: ServerMessage[] = [];
  let nextId = 1;
  const connection = core.connect((message) => messages.push(message));
  return {
    connection,
    messages,
    async call<T>(method: string, input: unknown): Promise<T> {
      const id = nextId++;
      await connection.receive({ kind: 'call', id, method, input });
      const result = messages.find((m) => m.kind === 'result' && m.id === id);
      if (!result || result.kind !== 'result') throw new Error(`no result for ${method}`);
      if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.code} ${result.error.message}`), { code: result.error.code });
      return result.output as T;
    },
    /** A one-way message: nothing answers it. */
    async send(method: string, input: unknown): Promise<void> {
      const before = messages.length;
      await connection.receive({ kind: 'message', method, input });
      const refused = messages.slice(before).find((m) => m.kind === 'event' && m.event === 'message.refused');
      if (refused) throw new Error(`${method} was refused: ${JSON.stringify(refused)}`);
    },
    /** The code a one-way message was refused with, from the message.refused event it brought. */
    async refusal(method: string, input: unknown): Promise<string> {
      const before = messages.length;
      await connection.receive({ kind: 'message', method, input });
      const sent = messages.slice(before);
      expect(sent.filter((m) => m.kind === 'result'), 'a one-way message gets no result').toEqual([]);
      const refused = sent.find((m) => m.kind === 'event' && m.event === 'message.refused');
      if (!refused || refused.kind !== 'event') throw new Error(`${method} was not refused for ${JSON.stringify(input)}`);
      const payload = refused.payload as { method: string; error: { code: string } };
      expect(payload.method).toBe(method);
      return payload.error.code;
    },
    async error(method: string, input: unknown): Promise<string> {
      try {
        await this.call(method, input);
      } catch (error) {
        return (error as { code: string }).code;
      }
      throw new Error(`${method} succeeded for ${JSON.stringify(input)}`);
    },
    terminalText(sessionId: string): string {
      return messages
        .flatMap((m) =>
          m.kind === 'event' && m.event === 'terminal.data' && (m.payload as { sessionId: string }).sessionId === sessionId
            ? [(m.payload as { data: string }).data]
            : [],
        )
        .join('');
    },
    events(name: string) {
      return messages.filter((m) => m.kind === 'event' && m.event === name).map((m) => (m as { payload: unknown }).payload);
    },
  };
}

async function taskWithScript(core: Core, script: string): Promise<Task> {
  const project = await core.projects.add(makeRepo());
  return core.tasks.create({ projectId: project.id, title: 'run a script', prompt: script, status: 'ready', priority: 'normal', phase: null });
}

describe('sessions through the contract', () => {
  it('starts a task, shows output only to attached connections, takes input, and records the exit', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(core, 'echo ready; read line; echo "got:$line"; exit 0');
    const viewer = connect(core);
    const bystander = connect(core);
    const session = await viewer.call<Session>('sessions.start', { taskId: task.id, cols: 100, rows: 30 });
    expect(core.tasks.get(task.id).status).toBe('running');
    const attached = await viewer.call<{ seq: number; cols: number }>('terminal.attach', { sessionId: session.id });
    expect(attached.cols).toBe(100);
    await waitFor('ready', async () => (await core.transcripts.export(session.id, 'text')).data.includes('ready'));
    const before = viewer.messages.length;
    await viewer.send('terminal.input', { sessionId: session.id, data: 'hello\r' });
    // A keystroke is a message without a reply.
    expect(viewer.messages.slice(before).filter((m) => m.kind === 'result')).toEqual([]);
    await waitFor('exit', () => viewer.events('session.exited').length > 0);
    expect(viewer.terminalText(session.id)).toContain('got:hello');
    expect(bystander.terminalText(session.id)).toBe('');
    // Everyone hears about state and exit; only the attached client got the bytes.
    expect(bystander.events('session.state').length).toBeGreaterThanOrEqual(2);
    expect(core.tasks.get(task.id).status).toBe('review');
    const stored = core.sessions.get(session.id);
    expect(stored).toMatchObject({ state: 'exited', stateSource: 'exit', exitCode: 0, agentSessionId: `agent-${session.id}` });
    expect(core.sessions.history(session.id).map((c) => `${c.state}/${c.source}`)).toEqual(['starting/host', 'exited/exit']);
  });

  it('stores state changes from the observer with their source, and moves the task to needs_input and back', async () => {
    // An observer that believes the terminal title, as the state engine does for agents without hooks.
    const byTitle: CreateTerminalObserver = (_session, report) => ({
      onOutput: () => {},
      onTitle: (title) => {
        if (title === 'waiting' || title === 'busy') {
          report({ state: title === 'waiting' ? 'needs_input' : 'working', source: 'title', at: Date.now(), detail: title });
        }
      },
      onScreen: () => {},
      onInput: () => {},
      onExit: () => {},
      dispose: () => {},
    });
    const core = makeCoreWith(scriptLauncher(), tempDir('switchyard-data-'), byTitle);
    const task = await taskWithScript(core, `printf '\\033]2;waiting\\007'; read a; printf '\\033]2;busy\\007'; read b`);
    const session = await core.sessions.start(task.id);
    await waitFor('needs_input', () => core.tasks.get(task.id).status === 'needs_input');
    expect(core.sessions.get(session.id)).toMatchObject({ state: 'needs_input', stateSource: 'title' });
    await core.sessions.input(session.id, 'y\r');
    await waitFor('running again', () => core.sessions.get(session.id).state === 'working');
    expect(core.tasks.get(task.id).status).toBe('running');
    expect(core.sessions.history(session.id).map((c) => `${c.state}/${c.source}/${c.detail ?? ''}`)).toEqual([
      'starting/host/',
      'needs_input/title/waiting',
      'working/title/busy',
    ]);
  });

  it('marks the task failed when the program fails, and refuses input afterwards with SESSION_NOT_RUNNING', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(core, 'exit 4');
    const client = connect(core);
    const session = await client.call<Session>('sessions.start', { taskId: task.id });
    await waitFor('exit', () => client.events('session.exited').length > 0);
    expect(core.tasks.get(task.id).status).toBe('failed');
    expect(core.sessions.get(session.id)).toMatchObject({ state: 'failed', exitCode: 4 });
    expect(await client.refusal('terminal.input', { sessionId: session.id, data: 'x' })).toBe('SESSION_NOT_RUNNING');
    expect(await client.error('sessions.interrupt', { sessionId: session.id })).toBe('SESSION_NOT_RUNNING');
  });

  it('answers bad input with typed errors', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(core, 'sleep 30');
    const client = connect(core);
    const session = await client.call<Session>('sessions.start', { taskId: task.id });
    // A second session for a task that already runs one, also when both are asked at once.
    expect(await client.error('sessions.start', { taskId: task.id })).toBe('CONFLICT');
    const other = core.tasks.create({ projectId: task.projectId, title: 'twice', prompt: 'sleep 30', status: 'ready', priority: 'normal', phase: null });
    const both = await Promise.allSettled([core.sessions.start(other.id), core.sessions.start(other.id)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await client.error('sessions.start', { taskId: 'no-such-task' })).toBe('NOT_FOUND');
    expect(await client.refusal('terminal.input', { sessionId: 'no-such-session', data: 'x' })).toBe('NOT_FOUND');
    expect(await client.refusal('terminal.resize', { sessionId: 'no-such-session', cols: 80, rows: 10 })).toBe('NOT_FOUND');
    expect(await client.refusal('terminal.resize', { sessionId: session.id, cols: 0, rows: 10 })).toBe('BAD_INPUT');
    expect(await client.refusal('terminal.resize', { sessionId: session.id, cols: 80, rows: 100_000 })).toBe('BAD_INPUT');
    expect(await client.refusal('terminal.input', { sessionId: session.id, data: '' })).toBe('BAD_INPUT');
    expect(await client.refusal('terminal.ack', { sessionId: session.id, chars: -5 })).toBe('BAD_INPUT');
    // Input nested far deeper than any message's is refused before validation, as a call's is.
    let nested: unknown = 'x';
    for (let level = 0; level < 100; level++) nested = { nested };
    expect(await client.refusal('terminal.input', { sessionId: session.id, data: nested })).toBe('BAD_INPUT');
    // A message is not a call, nor a call a message; an unknown message is refused by name.
    expect(await client.refusal('tasks.list', { projectId: task.projectId })).toBe('UNKNOWN_METHOD');
    expect(await client.error('terminal.input', { sessionId: session.id, data: 'x' })).toBe('UNKNOWN_METHOD');
    // The refused messages left the session as it was: it still runs and takes input.
    await client.send('terminal.resize', { sessionId: session.id, cols: 90, rows: 20 });
    expect((await core.host.send({ type: 'list' })).find((s) => s.sessionId === session.id)).toMatchObject({ running: true, cols: 90, rows: 20 });
    expect(await client.error('transcript.export', { sessionId: session.id, format: 'pdf' })).toBe('BAD_INPUT');
    expect(await client.error('sessions.list', {})).toBe('BAD_INPUT');
  });

  it('stops, restarts and resumes in the same session, asking the launcher to resume with the stored agent id', async () => {
    const requests: LaunchRequest[] = [];
    const core = makeCoreWith(scriptLauncher(requests));
    const task = await taskWithScript(core, 'echo run; sleep 30');
    const client = connect(core);
    const session = await client.call<Session>('sessions.start', { taskId: task.id });
    await client.call('terminal.attach', { sessionId: session.id });
    await waitFor('first run', () => client.terminalText(session.id).includes('run'));
    const stopped = await client.call<Session>('sessions.stop', { sessionId: session.id });
    expect(stopped.endedAt).not.toBeNull();
    expect(core.tasks.get(task.id).status).toBe('ready');
    const restarted = await client.call<Session>('sessions.restart', { sessionId: session.id });
    expect(restarted).toMatchObject({ id: session.id, endedAt: null });
    expect(core.tasks.get(task.id).status).toBe('running');
    await waitFor('second run', () => client.terminalText(session.id).split('run').length - 1 >= 2);
    const resumed = await client.call<Session>('sessions.resume', { sessionId: session.id });
    expect(resumed.id).toBe(session.id);
    expect(requests.map((r) => [r.resume, r.agentSessionId])).toEqual([
      [false, null],
      [false, `agent-${session.id}`],
      [true, `agent-${session.id}`],
    ]);
    await waitFor('three runs', () => client.terminalText(session.id).split('run').length - 1 >= 3);
    expect(await client.call<Session[]>('sessions.list', { taskId: task.id })).toHaveLength(1);
    expect(await client.call<Session[]>('sessions.list', { projectId: task.projectId })).toHaveLength(1);
  });

  it('keeps a searchable transcript, exported as plain text and raw', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(
      core,
      `echo one; echo two; printf '\\033[31mthe needle\\033[0m here\\n'; echo three; printf 'spin 1\\rspin 2\\rdone\\n'; echo four`,
    );
    const client = connect(core);
    const session = await client.call<Session>('sessions.start', { taskId: task.id });
    await waitFor('exit', () => client.events('session.exited').length > 0);
    const found = await client.call<{ matches: { line: number; text: string; before: string[]; after: string[] }[] }>(
      'transcript.search',
      { sessionId: session.id, query: 'NEEDLE', context: 1 },
    );
    expect(found.matches).toEqual([{ line: 3, text: 'the needle here', before: ['two'], after: ['three'] }]);
    const text = await client.call<{ data: string }>('transcript.export', { sessionId: session.id, format: 'text' });
    expect(text.data).toBe('one\ntwo\nthe needle here\nthree\ndone\nfour\n');
    const raw = await client.call<{ data: string }>('transcript.export', { sessionId: session.id, format: 'raw' });
    expect(raw.data).toContain('\x1b[31mthe needle\x1b[0m');
  });

  it('after an app restart, marks the old session ended and re-attaches to its screen from the transcript', async () => {
    const dataDir = tempDir('switchyard-data-');
    const first = makeCoreWith(scriptLauncher(), dataDir);
    const task = await taskWithScript(first, 'printf "\\033[1mbold title\\033[0m\\r\\nsecond line\\r\\n"; sleep 30');
    const session = await connect(first).call<Session>('sessions.start', { taskId: task.id });
    await waitFor('output stored', async () => (await first.transcripts.export(session.id, 'text')).data.includes('second line'));
    // Closing the app stops its programs; the next start must still show the last screen.
    await first.dispose();
    cores.splice(cores.indexOf(first), 1);
    const second = makeCoreWith(scriptLauncher(), dataDir);
    expect(second.sessions.get(session.id).endedAt).not.toBeNull();
    const client = connect(second);
    const attached = await client.call<{ snapshot: string; seq: number }>('terminal.attach', { sessionId: session.id, cols: 80, rows: 10 });
    expect(attached.snapshot).toContain('bold title');
    expect(attached.snapshot).toContain('second line');
    expect(attached.seq).toBeGreaterThan(0);
  });

  it('stops the programs of a deleted task and of a removed project', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(core, 'sleep 60');
    const other = core.tasks.create({ projectId: task.projectId, title: 'another', prompt: 'sleep 60', status: 'ready', priority: 'normal', phase: null });
    const first = await core.sessions.start(task.id);
    const second = await core.sessions.start(other.id);
    await connect(core).call('tasks.delete', { id: task.id });
    await waitFor('first stopped', () => sessionMembers(first.pid!).length === 0);
    expect(sessionMembers(second.pid!).length).toBeGreaterThan(0);
    await connect(core).call('projects.remove', { id: task.projectId });
    await waitFor('second stopped', () => sessionMembers(second.pid!).length === 0);
  });

  it('stops sending to a connection once it detaches or closes', async () => {
    const core = makeCoreWith(scriptLauncher());
    const task = await taskWithScript(core, 'while read l; do echo "echo:$l"; done');
    const client = connect(core);
    const session = await client.call<Session>('sessions.start', { taskId: task.id });
    await client.call('terminal.attach', { sessionId: session.id });
    await client.send('terminal.input', { sessionId: session.id, data: 'a\r' });
    await waitFor('echo a', () => client.terminalText(session.id).includes('echo:a'));
    await client.call('terminal.detach', { sessionId: session.id });
    await client.send('terminal.input', { sessionId: session.id, data: 'b\r' });
    await waitFor('echo b stored', async () => (await core.transcripts.export(session.id, 'text')).data.includes('echo:b'));
    expect(client.terminalText(session.id)).not.toContain('echo:b');

    const other = connect(core);
    await other.call('terminal.attach', { sessionId: session.id });
    expect(await core.sessions.attachedClients(session.id)).toEqual([other.connection.client.clientId]);
    other.connection.dispose();
    await waitFor('detached on close', async () => (await core.sessions.attachedClients(session.id)).length === 0);
  });
});
