import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { createHookServer, HOOK_PAYLOAD_MAX_BYTES, startHookServer, type HookEvent, type HookServer } from '../../electron/core/agents/hookServer';
import { HOOK_ENV, hookRelayArgv, hookRelayCommand } from '../../electron/core/agents/hookRelay';
import { permissionAnswerer } from '../../electron/core/agents/permissionHook';

let server: HookServer;
let url: string;
beforeEach(async () => {
  server = await startHookServer();
  url = await server.listen();
});
afterEach(async () => {
  await server.dispose();
});

const payload = { session_id: 'abc', hook_event_name: 'Stop', stop_hook_active: false };

function post(headers: Record<string, string>, body: string | Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = (sessionId: string, token: string) => ({ authorization: `Bearer ${token}`, 'x-switchyard-session': sessionId });

function collect(sessionId: string): HookEvent[] {
  const events: HookEvent[] = [];
  server.subscribe(sessionId, (e) => events.push(e));
  return events;
}

describe('the hook server', () => {
  it('listens on 127.0.0.1 only and hands an authenticated payload to the session', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook$/);
    const events = collect('s1');
    const token = server.authorize('s1');
    expect(await post(auth('s1', token), JSON.stringify(payload))).toBe(204);
    expect(events.map((e) => e.payload)).toEqual([payload]);
    expect(events[0]?.sessionId).toBe('s1');
  });

  it('refuses a wrong token, a missing token, another session’s token, an unknown session and a revoked one', async () => {
    const events = collect('s1');
    const token = server.authorize('s1');
    const other = server.authorize('s2');
    const body = JSON.stringify(payload);
    expect(await post(auth('s1', `${token}x`), body), 'wrong token').toBe(401);
    expect(await post({ 'x-switchyard-session': 's1' }, body), 'no token').toBe(401);
    expect(await post(auth('s1', other), body), 'the token of s2').toBe(401);
    expect(await post(auth('nobody', token), body), 'unknown session').toBe(401);
    server.revoke('s1');
    expect(await post(auth('s1', token), body), 'revoked').toBe(401);
    expect(events).toEqual([]);
  });

  it('refuses an earlier token once the session is authorized again (a restart)', async () => {
    const first = server.authorize('s1');
    const second = server.authorize('s1');
    expect(await post(auth('s1', first), JSON.stringify(payload))).toBe(401);
    expect(await post(auth('s1', second), JSON.stringify(payload))).toBe(204);
  });

  it('refuses bodies that are not hook payloads, too large, or sent with another Host', async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    expect(await post(auth('s1', token), 'not json'), 'not JSON').toBe(400);
    expect(await post(auth('s1', token), JSON.stringify({ session_id: 'x' })), 'no hook_event_name').toBe(400);
    // The server answers 413 and cuts the upload: the client sees the answer or the reset, never a 2xx.
    const tooLarge = await post(auth('s1', token), Buffer.alloc(HOOK_PAYLOAD_MAX_BYTES + 1, 0x20)).catch((e: NodeJS.ErrnoException) => e.code);
    expect(['413', 'ECONNRESET', 'EPIPE'], 'too large').toContain(String(tooLarge));
    expect(await post({ ...auth('s1', token), host: 'evil.example:80' }, JSON.stringify(payload)), 'DNS rebinding Host').toBe(403);
    expect(events).toEqual([]);
  });

  it('keeps payloads that arrive before anyone listens and hands them over on subscribe', async () => {
    const token = server.authorize('s1');
    await post(auth('s1', token), JSON.stringify({ ...payload, hook_event_name: 'SessionStart' }));
    await post(auth('s1', token), JSON.stringify(payload));
    const events = collect('s1');
    expect(events.map((e) => e.payload.hook_event_name)).toEqual(['SessionStart', 'Stop']);
  });

  it('listens once, and can be built before it listens', async () => {
    expect(await server.listen()).toBe(url);
    const lazy = createHookServer();
    const events: HookEvent[] = [];
    lazy.subscribe('s1', (e) => events.push(e));
    const token = lazy.authorize('s1');
    const lazyUrl = await lazy.listen();
    const status = await fetch(lazyUrl, { method: 'POST', headers: auth('s1', token), body: JSON.stringify(payload) }).then((r) => r.status);
    expect(status).toBe(204);
    expect(events).toHaveLength(1);
    await lazy.dispose();
    await createHookServer().dispose(); // never listened: nothing to close
  });

  it('stops answering once disposed', async () => {
    const token = server.authorize('s1');
    await server.dispose();
    await expect(post(auth('s1', token), JSON.stringify(payload))).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('the hook relay command', () => {
  function runRelay(env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', hookRelayCommand()], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code, stdout }));
      child.stdin.end(stdin);
    });
  }

  it('posts the hook JSON from stdin with the session token, silently', async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    const result = await runRelay({ [HOOK_ENV.url]: url, [HOOK_ENV.token]: token, [HOOK_ENV.session]: 's1' }, JSON.stringify(payload));
    expect(result).toEqual({ code: 0, stdout: '' });
    expect(events.map((e) => e.payload)).toEqual([payload]);
  });

  it('exits 0 without delivering anything when its token is wrong or the core is gone', async () => {
    server.authorize('s1');
    const events = collect('s1');
    const wrong = await runRelay({ [HOOK_ENV.url]: url, [HOOK_ENV.token]: 'forged', [HOOK_ENV.session]: 's1' }, JSON.stringify(payload));
    expect(wrong).toEqual({ code: 0, stdout: '' });
    const gone = await runRelay({ [HOOK_ENV.url]: 'http://127.0.0.1:9/hook', [HOOK_ENV.token]: 'x', [HOOK_ENV.session]: 's1' }, '{}');
    expect(gone).toEqual({ code: 0, stdout: '' });
    expect(events).toEqual([]);
  });

  it('prints the answer the core gives a PermissionRequest, and hands only unanswered requests on', async () => {
    const answering = await startHookServer({
      answer: permissionAnswerer(({ tool, input }) =>
        tool === 'Bash' && input.command === 'npm test' ? { behavior: 'allow' } : tool === 'Bash' ? { behavior: 'deny', message: 'not that' } : null,
      ),
    });
    try {
      const at = await answering.listen();
      const token = answering.authorize('s1');
      const events: HookEvent[] = [];
      answering.subscribe('s1', (e) => events.push(e));
      const env = { [HOOK_ENV.url]: at, [HOOK_ENV.token]: token, [HOOK_ENV.session]: 's1' };
      const ask = (tool: string, command?: string) =>
        runRelay(env, JSON.stringify({ hook_event_name: 'PermissionRequest', tool_name: tool, tool_input: command === undefined ? {} : { command } }));
      const decision = (behavior: string, message?: string) => ({
        code: 0,
        stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: message ? { behavior, message } : { behavior } } }),
      });
      expect(await ask('Bash', 'npm test')).toEqual(decision('allow'));
      expect(await ask('Bash', 'rm -rf /')).toEqual(decision('deny', 'not that'));
      expect(await ask('Edit'), 'no decision: the agent asks the user').toEqual({ code: 0, stdout: '' });
      expect(await runRelay(env, JSON.stringify(payload)), 'another event').toEqual({ code: 0, stdout: '' });
      expect(events.map((e) => `${e.payload.hook_event_name}:${String(e.payload.tool_name)}`)).toEqual(['PermissionRequest:Edit', 'Stop:undefined']);
    } finally {
      await answering.dispose();
    }
  });
});

describe('the hook relay as a notify program (Codex)', () => {
  /** Codex's notify JSON, as its UserNotification serializes it. */
  const turnComplete = {
    type: 'agent-turn-complete',
    'thread-id': '019ae6c1-7b2a-7d3e-9f10-2b3c4d5e6f70',
    'turn-id': '3',
    cwd: '/tmp/repo',
    client: 'codex-tui',
    'input-messages': ['Rename `foo` to `bar`'],
    'last-assistant-message': 'Renamed it.\nAll tests pass.',
  };

  /** Runs the relay as Codex runs its notify program: the argv, the JSON appended; stdin left open, as Codex's is a terminal. */
  function runNotify(env: Record<string, string>, json: string, chained: string[] = []): Promise<{ code: number | null; stdout: string }> {
    const [program, ...args] = hookRelayArgv(process.execPath, chained);
    return new Promise((resolve) => {
      const child = spawn(program as string, [...args, json], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code, stdout }));
    });
  }

  it("posts the JSON of its last argument, read as a Stop hook with the thread as the agent's session", async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    const result = await runNotify({ [HOOK_ENV.url]: url, [HOOK_ENV.token]: token, [HOOK_ENV.session]: 's1' }, JSON.stringify(turnComplete));
    expect(result).toEqual({ code: 0, stdout: '' });
    expect(events.map((e) => e.payload)).toEqual([
      { ...turnComplete, hook_event_name: 'Stop', session_id: turnComplete['thread-id'], last_assistant_message: turnComplete['last-assistant-message'] },
    ]);
  });

  it("starts the user's own notify program with the same JSON, also when the core is gone", async () => {
    const out = join(tempDir(), 'theirs.json');
    const theirs = ['/bin/sh', '-c', 'printf "%s" "$1" > "$0"', out];
    const result = await runNotify({ [HOOK_ENV.url]: 'http://127.0.0.1:9/hook', [HOOK_ENV.token]: 'x', [HOOK_ENV.session]: 's1' }, JSON.stringify(turnComplete), theirs);
    expect(result).toEqual({ code: 0, stdout: '' });
    const written = await waitFor('their program', () => existsSync(out) && readFileSync(out, 'utf8'));
    expect(JSON.parse(written)).toEqual(turnComplete);
  });

  it("reads the end of a turn of Codex's own threads (the one that names the task) as no Stop, and names no session for it", async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    // As Codex 0.171's TUI sends it after a prompt, from a thread of its own.
    const titleTurn = {
      ...turnComplete,
      'thread-id': '019ae6c1-8000-7f92-b827-0b68d62db519',
      'input-messages': ['Generate a concise, single-line task title of at most 36 characters and under five words where possible.\n\nUser prompt:\nRename `foo`'],
      'last-assistant-message': 'Rename foo to bar',
    };
    expect(await runNotify({ [HOOK_ENV.url]: url, [HOOK_ENV.token]: token, [HOOK_ENV.session]: 's1' }, JSON.stringify(titleTurn))).toEqual({ code: 0, stdout: '' });
    expect(events.map((e) => e.payload)).toEqual([{ ...titleTurn, hook_event_name: 'agent-turn-complete' }]);
  });

  it('refuses a notification that is not a finished turn, and one without its token', async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    expect(await post(auth('s1', token), JSON.stringify({ ...turnComplete, type: 'approval-requested' }))).toBe(400);
    expect(await post(auth('s1', token), JSON.stringify({ ...turnComplete, 'thread-id': 7 }))).toBe(400);
    expect(await runNotify({ [HOOK_ENV.url]: url, [HOOK_ENV.session]: 's1' }, JSON.stringify(turnComplete))).toEqual({ code: 0, stdout: '' });
    expect(await runNotify({ [HOOK_ENV.url]: url, [HOOK_ENV.token]: 'forged', [HOOK_ENV.session]: 's1' }, JSON.stringify(turnComplete))).toEqual({ code: 0, stdout: '' });
    expect(events).toEqual([]);
  });
});

describe('the hook relay for Copilot CLI, whose hook JSON names no event', () => {
  it('posts the JSON with the event its command line names, read as the Claude Code event it is', async () => {
    const token = server.authorize('s1');
    const events = collect('s1');
    const env = { [HOOK_ENV.url]: url, [HOOK_ENV.token]: token, [HOOK_ENV.session]: 's1' };
    const run = (event: string, json: Record<string, unknown>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn('sh', ['-c', `${HOOK_ENV.event}=${event} ${hookRelayCommand()}`], { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'ignore'] });
        child.on('close', resolve);
        child.stdin.end(JSON.stringify(json));
      });
    // As Copilot CLI 1.0.102 sends them.
    const sessionId = 'f32681b8-f310-4a02-8dff-dcc69b7be8f5';
    expect(await run('userPromptSubmitted', { sessionId, timestamp: 1796418373603, cwd: '/tmp/repo', prompt: 'hello' })).toBe(0);
    expect(await run('preToolUse', { sessionId, timestamp: 1796418373700, cwd: '/tmp/repo', toolName: 'bash', toolArgs: '{"command":"ls"}' })).toBe(0);
    expect(await run('agentStop', { sessionId, timestamp: 1796418373834, cwd: '/tmp/repo', stopReason: 'end_turn', stop_hook_active: false })).toBe(0);
    expect(await run('somethingElse', { sessionId, timestamp: 1, cwd: '/tmp/repo' })).toBe(0);
    expect(events.map((e) => [e.payload.hook_event_name, e.payload.session_id, e.payload.tool_name])).toEqual([
      ['UserPromptSubmit', sessionId, undefined],
      ['PreToolUse', sessionId, 'bash'],
      ['Stop', sessionId, undefined],
    ]);
    expect(events[0]?.payload.prompt).toBe('hello');
  });
});

describe('the hook server with a record', () => {
  it('listens again at the recorded address after a restart and accepts the tokens of before; a request without one changes nothing', async () => {
    const record = join(tempDir(), 'hooks.json');
    const before = createHookServer({ record });
    const first = await before.listen();
    const token = before.authorize('kept');
    expect(statSync(record).mode & 0o777).toBe(0o600);
    // Written beside and renamed over: nothing half-written is left next to it.
    expect(readdirSync(dirname(record))).toEqual(['hooks.json']);
    await before.dispose();

    // The core starts again: its agents still hold the URL and the token they were given.
    const after = createHookServer({ record });
    try {
      expect(await after.listen()).toBe(first);
      const events: HookEvent[] = [];
      after.subscribe('kept', (event) => events.push(event));
      url = first;
      // Tried: the session's header without a token, then with a wrong one.
      expect(await post({ 'x-switchyard-session': 'kept' }, JSON.stringify(payload))).toBe(401);
      expect(await post(auth('kept', 'not-the-token'), JSON.stringify(payload))).toBe(401);
      expect(events).toEqual([]);
      expect(await post(auth('kept', token), JSON.stringify(payload))).toBe(204);
      expect(events.map((e) => e.payload)).toEqual([payload]);
    } finally {
      await after.dispose();
    }
  });
});
