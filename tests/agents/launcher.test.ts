import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchTask } from '../../electron/core/agents/adapter';
import { CLAUDE_HOOK_EVENTS } from '../../electron/core/agents/claudeCode';
import { GEMINI_HOOK_EVENTS, GEMINI_SYSTEM_SETTINGS_ENV } from '../../electron/core/agents/gemini';
import { HOOK_ENV } from '../../electron/core/agents/hookRelay';
import { startHookServer, type HookServer } from '../../electron/core/agents/hookServer';
import { createAgentLauncher } from '../../electron/core/agents/launcher';
import { AGENT_KINDS } from '../../shared/contract';
import { SwitchyardError } from '../../shared/errors';
import { tempDir } from '../helpers/tempDir';

/** A folder of executables named like the agents, standing for an install on PATH. */
function binDir(names: string[]): string {
  const dir = tempDir('switchyard-bin-');
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

let hookServer: HookServer;
beforeEach(async () => {
  hookServer = await startHookServer();
});
afterEach(() => hookServer.dispose());

const UUID = '3f1c2b9a-8d7e-4c6b-a5f4-0e1d2c3b4a59';
const task = (kind: LaunchTask['kind'], extra: Partial<LaunchTask> = {}): LaunchTask => ({
  kind,
  title: 'Fix the login form',
  prompt: 'Make the login form validate emails',
  cwd: '/tmp',
  ...extra,
});

async function expectAgentNotFound(promise: Promise<unknown>): Promise<SwitchyardError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchyardError);
  expect((error as SwitchyardError).code).toBe('AGENT_NOT_FOUND');
  return error as SwitchyardError;
}

describe('Claude Code launches', () => {
  it('start with a session id, the task title, hook settings and the prompt as the last argument', async () => {
    const bin = binDir(['claude']);
    const launcher = createAgentLauncher({ pathEnv: bin, hookServer });
    const launch = await launcher.resolveLaunch(task('claude-code'), { sessionId: 's1', agentSessionId: UUID, resume: false });
    expect(launch.file).toBe(join(bin, 'claude'));
    expect(launch.cwd).toBe('/tmp');
    expect(launch.agentSessionId).toBe(UUID);
    expect(launch.hooks).toBe(true);
    const settingsAt = launch.args.indexOf('--settings');
    expect([...launch.args.slice(0, settingsAt), ...launch.args.slice(settingsAt + 2)]).toEqual([
      '--session-id',
      UUID,
      '-n',
      'Fix the login form',
      'Make the login form validate emails',
    ]);
    const settings = JSON.parse(launch.args[settingsAt + 1] ?? '{}');
    expect(Object.keys(settings.hooks)).toEqual([...CLAUDE_HOOK_EVENTS]);
    const hook = settings.hooks.Notification[0].hooks[0];
    expect(hook.type).toBe('command');
    expect(hook.command).toContain('ELECTRON_RUN_AS_NODE=1');
    // The token travels in the environment, not in argv where other users could read it.
    expect(launch.env[HOOK_ENV.url]).toBe(await hookServer.listen());
    expect(launch.env[HOOK_ENV.session]).toBe('s1');
    expect(launch.env[HOOK_ENV.token]).toMatch(/^[\w-]{40,}$/);
    expect(launch.args.join(' ')).not.toContain(launch.env[HOOK_ENV.token]);
    expect(launch.initialInput).toBeUndefined();
  });

  it('make a new session id when none is stored, and keep a prompt that starts with a dash an argument', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['claude']) });
    const launch = await launcher.resolveLaunch(task('claude-code', { prompt: '--help me' }), { sessionId: 's1', resume: false });
    expect(launch.agentSessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(launch.args).toEqual(['--session-id', launch.agentSessionId, '-n', 'Fix the login form', '--', '--help me']);
    expect(launch.hooks).toBe(false);
  });

  it('resume the stored session id, without the prompt', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['claude']) });
    const launch = await launcher.resolveLaunch(task('claude-code'), { sessionId: 's1', agentSessionId: UUID, resume: true });
    expect(launch.args).toEqual(['--resume', UUID, '-n', 'Fix the login form']);
    const noId = await launcher.resolveLaunch(task('claude-code'), { sessionId: 's1', resume: true });
    expect(noId.args).toEqual(['--continue', '-n', 'Fix the login form']);
  });

  it('gives a resumed conversation its follow-up as the prompt argument', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['claude']) });
    const request = { sessionId: 's1', agentSessionId: UUID, resume: true, followUp: 'Carry on.' };
    expect((await launcher.resolveLaunch(task('claude-code'), request)).args).toEqual(['--resume', UUID, '-n', 'Fix the login form', 'Carry on.']);
  });
});

describe('other agents', () => {
  const bin = () => binDir(['codex', 'gemini', 'aider']);

  it('Codex takes the prompt as an argument and resumes by id or the last session', async () => {
    const launcher = createAgentLauncher({ pathEnv: bin() });
    const launch = await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: false });
    expect(launch.args).toEqual(['--no-daemon', 'Make the login form validate emails']);
    expect(launch.hooks).toBe(false);
    expect(launch.env).toEqual({});
    expect((await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: true })).args).toEqual(['--no-daemon', 'resume', '--last']);
    expect((await launcher.resolveLaunch(task('codex'), { sessionId: 's1', agentSessionId: UUID, resume: true })).args).toEqual([
      '--no-daemon',
      'resume',
      UUID,
    ]);
  });

  describe('Codex with hooks: its notify program is our relay', () => {
    /** A home folder whose Codex config says `config` (none: no config file). */
    function homeWith(config?: string): string {
      const home = tempDir('switchyard-home-');
      mkdirSync(join(home, '.codex'));
      if (config !== undefined) writeFileSync(join(home, '.codex', 'config.toml'), config);
      return home;
    }
    const notifyOf = (args: readonly string[]) => JSON.parse((args[2] ?? '').replace(/^notify=/, '')) as string[];

    it("given with -c on a new run and a resume, the session's token in the agent's environment", async () => {
      const launcher = createAgentLauncher({ pathEnv: bin(), hookServer, home: homeWith(), relayRuntime: '/opt/node' });
      const launch = await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: false });
      expect(launch.hooks).toBe(true);
      expect(launch.args.slice(0, 2)).toEqual(['--no-daemon', '-c']);
      expect(launch.args.at(-1)).toBe('Make the login form validate emails');
      const relay = notifyOf(launch.args);
      expect(relay.slice(0, 4)).toEqual(['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', '/opt/node', '-e']);
      expect(relay.at(-1)).toBe('--');
      expect(Object.keys(launch.env).sort()).toEqual([HOOK_ENV.session, HOOK_ENV.token, HOOK_ENV.url].sort());
      expect(launch.env[HOOK_ENV.session]).toBe('s1');
      const resumed = await launcher.resolveLaunch(task('codex'), { sessionId: 's1', agentSessionId: UUID, resume: true });
      expect(resumed.args.slice(-2)).toEqual(['resume', UUID]);
      expect(notifyOf(resumed.args)).toEqual(relay);
    });

    it("runs the user's own notify program after ours, read from config.toml's top level", async () => {
      const config = [
        '# my settings',
        'model = "gpt-5.5"',
        'notify = [',
        '  "python3", # the interpreter',
        "  '/home/me/.codex/notify.py',",
        '  "--title=\\"Codex\\" \\u00e9",',
        ']',
        '',
        '[profiles.work]',
        'notify = ["not-this-one"]',
      ].join('\n');
      const launcher = createAgentLauncher({ pathEnv: bin(), hookServer, home: homeWith(config) });
      const relay = notifyOf((await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: false })).args);
      expect(relay.slice(relay.indexOf('--') + 1)).toEqual(['python3', '/home/me/.codex/notify.py', '--title="Codex" é']);
    });

    it("leaves a notify it cannot read in force: no relay then, the user's setting wins and the screen is read", async () => {
      for (const config of ['notify = "notify-send"', 'notify = ["""a"""]', 'notify = [1, 2]', 'notify = ["a"', 'notify = ["a\\q"]']) {
        const launcher = createAgentLauncher({ pathEnv: bin(), hookServer, home: homeWith(config) });
        const launch = await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: false });
        expect(launch.args, config).toEqual(['--no-daemon', 'Make the login form validate emails']);
        expect(launch.hooks).toBe(false);
        expect(launch.env).toEqual({});
      }
    });

    it('takes a notify under a table, an empty one and none as none: ours alone', async () => {
      for (const config of ['[tui]\nnotify = ["x"]', 'notify = []', '', undefined]) {
        const launcher = createAgentLauncher({ pathEnv: bin(), hookServer, home: homeWith(config) });
        const relay = notifyOf((await launcher.resolveLaunch(task('codex'), { sessionId: 's1', resume: false })).args);
        expect(relay.at(-1), config).toBe('--');
      }
    });
  });

  it('Gemini runs the prompt interactively and resumes the latest session', async () => {
    const launcher = createAgentLauncher({ pathEnv: bin() });
    expect((await launcher.resolveLaunch(task('gemini'), { sessionId: 's1', resume: false })).args).toEqual([
      '--prompt-interactive',
      'Make the login form validate emails',
    ]);
    expect((await launcher.resolveLaunch(task('gemini', { prompt: '' }), { sessionId: 's1', resume: false })).args).toEqual([]);
    expect((await launcher.resolveLaunch(task('gemini'), { sessionId: 's1', resume: true })).args).toEqual(['--resume', 'latest']);
  });

  it("Gemini with hooks: a system settings file of our hooks beside the machine's, named in the agent's environment only", async () => {
    const dir = tempDir();
    const system = join(dir, 'system-settings.json');
    writeFileSync(system, JSON.stringify({ general: { vimMode: true }, hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: 'their-hook' }] }] } }));
    const before = process.env[GEMINI_SYSTEM_SETTINGS_ENV];
    process.env[GEMINI_SYSTEM_SETTINGS_ENV] = system;
    try {
      const launcher = createAgentLauncher({ pathEnv: bin(), hookServer });
      const launch = await launcher.resolveLaunch(task('gemini'), { sessionId: 's1', resume: false });
      expect(launch.hooks).toBe(true);
      expect(launch.args).toEqual(['--prompt-interactive', 'Make the login form validate emails']);
      expect(launch.env[HOOK_ENV.session]).toBe('s1');
      const file = launch.env[GEMINI_SYSTEM_SETTINGS_ENV]!;
      expect(file).not.toBe(system);
      const settings = JSON.parse(readFileSync(file, 'utf8'));
      expect(settings.general).toEqual({ vimMode: true });
      expect(settings.hooksConfig.enabled).toBe(true);
      expect(Object.keys(settings.hooks)).toEqual(['AfterAgent', ...GEMINI_HOOK_EVENTS.filter((e) => e !== 'AfterAgent')]);
      // Theirs first, ours after it.
      expect(settings.hooks.AfterAgent.map((g: { hooks: { command: string }[] }) => g.hooks[0]!.command.slice(0, 20))).toEqual([
        'their-hook',
        'ELECTRON_RUN_AS_NODE',
      ]);
      // Their file is left as it was.
      expect(JSON.parse(readFileSync(system, 'utf8')).hooksConfig).toBeUndefined();

      // System settings that are not JSON are not replaced: the agent runs without hooks, read from its screen.
      writeFileSync(system, '{ // a comment\n}');
      const without = await launcher.resolveLaunch(task('gemini'), { sessionId: 's2', resume: false });
      expect(without.hooks).toBe(false);
      expect(without.env).toEqual({});
    } finally {
      if (before === undefined) delete process.env[GEMINI_SYSTEM_SETTINGS_ENV];
      else process.env[GEMINI_SYSTEM_SETTINGS_ENV] = before;
    }
  });

  it('types the follow-up of a resumed conversation into Codex, Gemini and Aider', async () => {
    const launcher = createAgentLauncher({ pathEnv: bin() });
    for (const kind of ['codex', 'gemini', 'aider'] as const) {
      const launch = await launcher.resolveLaunch(task(kind), { sessionId: 's1', resume: true, followUp: 'Carry on.' });
      expect(launch.initialInput, kind).toBe('Carry on.\r');
      const plain = await launcher.resolveLaunch(task(kind), { sessionId: 's1', resume: true });
      expect(plain.initialInput, kind).toBeUndefined();
    }
  });

  it('Aider gets the prompt typed in (a multi-line one as a bracketed paste) and resumes its chat history', async () => {
    const launcher = createAgentLauncher({ pathEnv: bin() });
    const launch = await launcher.resolveLaunch(task('aider'), { sessionId: 's1', resume: false });
    expect(launch.args).toEqual([]);
    expect(launch.initialInput).toBe('Make the login form validate emails\r');
    const multi = await launcher.resolveLaunch(task('aider', { prompt: 'line one\nline two' }), { sessionId: 's1', resume: false });
    expect(multi.initialInput).toBe('\x1b[200~line one\nline two\x1b[201~\r');
    const resumed = await launcher.resolveLaunch(task('aider'), { sessionId: 's1', resume: true });
    expect(resumed.args).toEqual(['--restore-chat-history']);
    expect(resumed.initialInput).toBeUndefined();
  });

  it('a custom command runs its argv and delivers the prompt as the task says', async () => {
    const bin = binDir(['my-agent']);
    const launcher = createAgentLauncher({ pathEnv: bin });
    const typed = await launcher.resolveLaunch(task('custom', { command: ['my-agent', '--fast'] }), { sessionId: 's1', resume: false });
    expect(typed).toMatchObject({ file: join(bin, 'my-agent'), args: ['--fast'], initialInput: 'Make the login form validate emails\r' });
    const argv = await launcher.resolveLaunch(task('custom', { command: ['my-agent'], promptDelivery: 'argv' }), { sessionId: 's1', resume: false });
    expect(argv.args).toEqual(['Make the login form validate emails']);
    expect(argv.initialInput).toBeUndefined();
    const none = await launcher.resolveLaunch(task('custom', { command: ['/bin/sh', '-c', 'true'], promptDelivery: 'none' }), { sessionId: 's1', resume: false });
    expect(none).toMatchObject({ file: '/bin/sh', args: ['-c', 'true'] });
    expect(none.initialInput).toBeUndefined();
  });

  it('a custom task without a command line is bad input', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir([]) });
    await expect(launcher.resolveLaunch(task('custom'), { sessionId: 's1', resume: false })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(launcher.resolveLaunch(task('custom', { command: [' '] }), { sessionId: 's1', resume: false })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('the agents added beside them', () => {
  const NEW = { sessionId: 's1', resume: false } as const;

  it('Cursor: cursor-agent with the prompt as an argument; resumes a chat by id or the latest', async () => {
    const bin = binDir(['cursor-agent']);
    const launcher = createAgentLauncher({ pathEnv: bin });
    const launch = await launcher.resolveLaunch(task('cursor', { model: 'gpt-5', permissions: 'all' }), NEW);
    expect(launch.file).toBe(join(bin, 'cursor-agent'));
    expect(launch.args).toEqual(['--force', '--model', 'gpt-5', 'Make the login form validate emails']);
    expect(launch.hooks).toBe(false);
    expect((await launcher.resolveLaunch(task('cursor'), { ...NEW, resume: true, agentSessionId: 'chat-1' })).args).toEqual(['--resume', 'chat-1']);
    const latest = await launcher.resolveLaunch(task('cursor'), { ...NEW, resume: true, followUp: 'Finish it' });
    expect(latest.args).toEqual(['--continue']);
    expect(latest.initialInput).toBe('Finish it\r');
    expect((await launcher.resolveLaunch(task('cursor', { prompt: '-v please' }), NEW)).args).toEqual(['--', '-v please']);
  });

  it('OpenCode: --prompt and a provider/model; resumes by --session or --continue, the follow-up as its prompt', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['opencode']) });
    const launch = await launcher.resolveLaunch(task('opencode', { model: 'anthropic/claude-sonnet-4-5' }), NEW);
    expect(launch.args).toEqual(['--model', 'anthropic/claude-sonnet-4-5', '--prompt', 'Make the login form validate emails']);
    expect((await launcher.resolveLaunch(task('opencode', { permissions: 'all' }), { ...NEW, resume: true, agentSessionId: 'ses_1' })).args).toEqual([
      '--auto',
      '--session',
      'ses_1',
    ]);
    expect((await launcher.resolveLaunch(task('opencode'), { ...NEW, resume: true, followUp: 'Go on' })).args).toEqual(['--continue', '--prompt', 'Go on']);
  });

  it('Copilot: a session id of ours, -i with the prompt, --model; resumes that id', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['copilot']) });
    const launch = await launcher.resolveLaunch(task('copilot', { model: 'claude-sonnet-4.5', permissions: 'edits' }), NEW);
    expect(launch.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(launch.args).toEqual(['--allow-tool', 'write', '--model', 'claude-sonnet-4.5', '--session-id', launch.agentSessionId, '-i', 'Make the login form validate emails']);
    expect((await launcher.resolveLaunch(task('copilot'), { ...NEW, agentSessionId: UUID })).args).toEqual(['--session-id', UUID, '-i', 'Make the login form validate emails']);
    expect((await launcher.resolveLaunch(task('copilot'), { ...NEW, resume: true, agentSessionId: UUID })).args).toEqual(['--resume', UUID]);
    expect((await launcher.resolveLaunch(task('copilot'), { ...NEW, resume: true })).args).toEqual(['--continue']);
  });

  it('Copilot with hooks: a plugin folder of ours whose hooks name their events, on a new run and a resume', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['copilot']), hookServer });
    const launch = await launcher.resolveLaunch(task('copilot'), { ...NEW, agentSessionId: UUID });
    expect(launch.hooks).toBe(true);
    expect(launch.args).toEqual(['--plugin-dir', launch.args[1], '--session-id', UUID, '-i', 'Make the login form validate emails']);
    const hooks = JSON.parse(readFileSync(join(launch.args[1] as string, 'hooks.json'), 'utf8')) as { hooks: Record<string, { bash: string }[]> };
    for (const [event, [hook]] of Object.entries(hooks.hooks)) expect(hook?.bash.startsWith(`${HOOK_ENV.event}=${event} ELECTRON_RUN_AS_NODE=1 `), event).toBe(true);
    expect(launch.env[HOOK_ENV.session]).toBe('s1');
    const resumed = await launcher.resolveLaunch(task('copilot'), { ...NEW, resume: true, agentSessionId: UUID });
    expect(resumed.args).toEqual(['--plugin-dir', launch.args[1], '--resume', UUID]);
  });

  it('Qwen Code: a session id of ours and the prompt run interactively; resumes that id', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['qwen']) });
    const launch = await launcher.resolveLaunch(task('qwen', { model: 'qwen3-coder-plus', permissions: 'edits' }), { ...NEW, agentSessionId: UUID });
    expect(launch.args).toEqual(['--approval-mode', 'auto-edit', '--model', 'qwen3-coder-plus', '--session-id', UUID, '--prompt-interactive', 'Make the login form validate emails']);
    expect(launch.agentSessionId).toBe(UUID);
    expect((await launcher.resolveLaunch(task('qwen', { permissions: 'all' }), { ...NEW, resume: true, agentSessionId: UUID })).args).toEqual(['--yolo', '--resume', UUID]);
    expect((await launcher.resolveLaunch(task('qwen'), { ...NEW, resume: true })).args).toEqual(['--continue']);
  });

  it('Amp: the prompt typed in, no model flag (it has none); resumes a thread or the latest', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['amp']) });
    const launch = await launcher.resolveLaunch(task('amp', { model: 'gpt-5' }), NEW);
    expect(launch.args).toEqual([]);
    expect(launch.initialInput).toBe('Make the login form validate emails\r');
    expect((await launcher.resolveLaunch(task('amp'), { ...NEW, resume: true, agentSessionId: 'T-1' })).args).toEqual(['threads', 'continue', 'T-1']);
    expect((await launcher.resolveLaunch(task('amp'), { ...NEW, resume: true })).args).toEqual(['threads', 'continue', '--last']);
  });

  it("gives the task's model with each agent's own flag", async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir(['claude', 'codex', 'gemini', 'aider']) });
    const argsOf = async (kind: LaunchTask['kind'], resume = false) =>
      (await launcher.resolveLaunch(task(kind, { model: 'some-model' }), { ...NEW, resume, agentSessionId: UUID })).args;
    for (const kind of ['claude-code', 'codex', 'gemini', 'aider'] as const) {
      for (const resume of [false, true]) {
        const args = await argsOf(kind, resume);
        expect(args[args.indexOf('--model') + 1], `${kind}${resume ? ' resumed' : ''}`).toBe('some-model');
      }
    }
    // No model named: no flag.
    expect((await launcher.resolveLaunch(task('codex'), NEW)).args).not.toContain('--model');
  });
});

describe('a missing agent', () => {
  it('is AGENT_NOT_FOUND listing PATH and the usual install locations', async () => {
    const home = tempDir('switchyard-home-');
    const launcher = createAgentLauncher({ pathEnv: binDir(['codex']), home });
    const error = await expectAgentNotFound(launcher.resolveLaunch(task('claude-code'), { sessionId: 's1', resume: false }));
    expect(error.details?.looked).toEqual(['claude on PATH', join(home, '.claude/local/claude'), join(home, '.local/bin/claude')]);
    expect(error.message).toMatch(/Claude Code/);
  });

  it('is found in a usual install location when PATH lacks it', async () => {
    const home = tempDir('switchyard-home-');
    mkdirSync(join(home, '.claude', 'local'), { recursive: true });
    writeFileSync(join(home, '.claude', 'local', 'claude'), '#!/bin/sh\n');
    chmodSync(join(home, '.claude', 'local', 'claude'), 0o755);
    const launch = await createAgentLauncher({ pathEnv: binDir([]), home }).resolveLaunch(task('claude-code'), { sessionId: 's1', resume: false });
    expect(launch.file).toBe(join(home, '.claude', 'local', 'claude'));
  });

  it('is AGENT_NOT_FOUND when the configured path is missing or not executable, even if PATH has one', async () => {
    const bin = binDir(['gemini']);
    const notExecutable = join(bin, 'plain-file');
    writeFileSync(notExecutable, 'data');
    for (const override of [join(bin, 'nope'), notExecutable, bin]) {
      const launcher = createAgentLauncher({ pathEnv: bin, binaryPaths: { gemini: override } });
      const error = await expectAgentNotFound(launcher.resolveLaunch(task('gemini'), { sessionId: 's1', resume: false }));
      expect(error.details?.looked, `override ${override}`).toEqual([override]);
    }
    const ok = await createAgentLauncher({ pathEnv: '', binaryPaths: { gemini: join(bin, 'gemini') } }).resolveLaunch(task('gemini'), { sessionId: 's1', resume: false });
    expect(ok.file).toBe(join(bin, 'gemini'));
    // A setting read at each launch: a change applies to the next start.
    let configured: string | undefined = join(bin, 'nope');
    const live = createAgentLauncher({ pathEnv: bin, binaryPaths: () => ({ gemini: configured }) });
    await expectAgentNotFound(live.resolveLaunch(task('gemini'), { sessionId: 's1', resume: false }));
    configured = undefined;
    expect((await live.resolveLaunch(task('gemini'), { sessionId: 's1', resume: false })).file).toBe(join(bin, 'gemini'));
  });

  it('is AGENT_NOT_FOUND for a custom command that is not on PATH or not at its path', async () => {
    const launcher = createAgentLauncher({ pathEnv: binDir([]) });
    const byName = await expectAgentNotFound(launcher.resolveLaunch(task('custom', { command: ['no-such-agent'] }), { sessionId: 's1', resume: false }));
    expect(byName.details?.looked).toEqual(['no-such-agent on PATH']);
    const byPath = await expectAgentNotFound(launcher.resolveLaunch(task('custom', { command: ['./bin/agent'], cwd: '/tmp/x' }), { sessionId: 's1', resume: false }));
    expect(byPath.details?.looked).toEqual(['/tmp/x/bin/agent']);
  });
});

describe("the user's own agent configuration", () => {
  it('is never written: launching every kind leaves the home folder as it was', async () => {
    const home = tempDir('switchyard-home-');
    mkdirSync(join(home, '.claude'));
    writeFileSync(join(home, '.claude', 'settings.json'), '{"hooks":{}}');
    writeFileSync(join(home, '.claude.json'), '{}');
    const before = readdirSync(home, { recursive: true }).sort();
    const launcher = createAgentLauncher({
      pathEnv: binDir(['claude', 'codex', 'gemini', 'aider', 'cursor-agent', 'opencode', 'copilot', 'qwen', 'amp', 'x']),
      home,
      hookServer,
    });
    for (const kind of AGENT_KINDS) {
      for (const resume of [false, true]) {
        await launcher.resolveLaunch(task(kind, { command: ['x'], cwd: home }), { sessionId: `s-${kind}`, agentSessionId: UUID, resume });
      }
    }
    expect(readdirSync(home, { recursive: true }).sort()).toEqual(before);
    expect(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).toBe('{"hooks":{}}');
  });
});
