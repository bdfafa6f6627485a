import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentKind } from '../../shared/contract';
import { readCast, replayCast } from './castReplay';

/**
 * Real terminal recordings (tests/fixtures/recordings, asciicast v2 with our "h" hook and "x" exit
 * events) replayed through a headless terminal into the state engine, at their own timing. The
 * real CLIs were run offline: what they really show without an account (sign-in, trust and
 * API-key questions, network retries, interrupts, exits).
 */
const RECORDINGS = join(import.meta.dirname, '..', 'fixtures', 'recordings');

async function replay(kind: AgentKind, file: string) {
  const changes = await replayCast(kind, readCast(join(RECORDINGS, file)));
  return { changes, states: changes.map((c) => `${c.state}/${c.source}`) };
}

describe('Claude Code recordings', () => {
  it('offline without credentials: fails with its exit code', async () => {
    const { changes, states } = await replay('claude-code', 'claude-code/offline-no-credentials.cast');
    expect(states).toEqual(['failed/exit']);
    expect(changes[0]?.detail).toBe('exit code 1');
  });

  it('trust and API-key questions, a turn seen by hooks, an interrupt seen by the title, Ctrl-C twice', async () => {
    const { changes, states } = await replay('claude-code', 'claude-code/trust-api-key-interrupt-exit.cast');
    expect(states).toEqual(['needs_input/screen', 'idle/title', 'idle/hook', 'working/hook', 'idle/title', 'exited/exit']);
    expect(changes[0]?.detail).toMatch(/trust this folder/);
    expect(changes[3]?.detail).toBe('add a note to README');
    // The interrupt (Esc) sends no hook: the title stopping its spinner ends the turn.
    expect(changes[4]?.detail).toBe('✳ Add a note');
  });
});

describe('Codex CLI recordings', () => {
  it('the sign-in screen is a question for the user', async () => {
    const { changes, states } = await replay('codex', 'codex/sign-in-screen.cast');
    expect(states.slice(-2)).toEqual(['needs_input/screen', 'failed/exit']);
    expect(changes.at(-2)?.detail).toMatch(/Press enter to continue/);
    expect(changes.at(-1)?.detail).toBe('killed by signal 15');
  });

  it('API key, folder trust, a turn that keeps reconnecting, Ctrl-C twice', async () => {
    const { changes, states } = await replay('codex', 'codex/api-key-trust-reconnecting-exit.cast');
    // Sign-in and folder trust follow each other faster than a reading settles: each is a question of its own.
    expect(states).toEqual(['idle/screen', 'needs_input/screen', 'working/screen', 'needs_input/screen', 'idle/screen', 'working/title', 'idle/screen', 'exited/exit']);
    expect(changes[1]?.detail).toMatch(/Press enter to continue/);
    expect(changes[2]?.detail).toBe('question answered');
    expect(changes[3]?.detail).toMatch(/^Trust this folder\?/);
    expect(changes[5]?.detail).toBe('⠹ repo4');
    // After Ctrl-C interrupted the turn, only the composer's hints remain.
    expect(changes[6]?.detail).toMatch(/\? for shortcuts/);
  });
});

describe('Codex CLI recordings with its notify program', () => {
  it("two turns, each ended by notify; the notify of the thread that names the task, mid-turn, changes nothing", async () => {
    const { changes, states } = await replay('codex', 'codex/notify-two-turns-exit.cast');
    // The folder-trust question was answered before a reading settled; the title's spinner shows each turn's work.
    expect(states).toEqual(['idle/screen', 'working/title', 'idle/hook', 'working/title', 'idle/screen', 'idle/hook', 'exited/exit']);
    // The first turn ended at its own notify (3.78 s), not at the title thread's (1.56 s).
    expect(changes[2]).toMatchObject({ detail: 'Hello from the model (1).', at: 1_000_000 + 3_783 });
    expect(changes[5]?.detail).toBe('Hello from the model (2).');
  });
});

describe('GitHub Copilot CLI recordings with the hooks of a plugin of ours', () => {
  it('a turn that asks to run a command, seen by its hooks: working, needs input, working, idle; Ctrl-C twice', async () => {
    const { changes, states } = await replay('copilot', 'copilot/hooks-permission-turn-exit.cast');
    expect(states.slice(-6)).toEqual(['idle/hook', 'working/hook', 'needs_input/hook', 'working/hook', 'idle/hook', 'exited/exit']);
    expect(changes.at(-5)?.detail).toBe('list the files');
    expect(changes.at(-4)?.detail).toBe('Run command: touch made-by-tool && ls');
    expect(changes.at(-3)?.detail).toBe('bash');
  });
});

describe('Gemini CLI recordings', () => {
  it('the trust dialog is a question; a CLI that needs SIGKILL has failed', async () => {
    const { changes, states } = await replay('gemini', 'gemini/trust-dialog.cast');
    expect(states).toEqual(['idle/title', 'needs_input/screen', 'failed/exit']);
    expect(changes[1]?.detail).toMatch(/Do you trust the files in this folder\?/);
  });

  it('trust, then authentication questions, then ready at its prompt, then exit', async () => {
    const { changes, states } = await replay('gemini', 'gemini/trust-auth-ready-exit.cast');
    // Trust, the choice of sign-in and the API key's entry: three questions, each surfaced once.
    expect(states).toEqual(['idle/title', 'needs_input/screen', 'working/screen', 'needs_input/screen', 'working/screen', 'needs_input/screen', 'idle/title', 'exited/exit']);
    expect(changes.filter((c) => c.state === 'needs_input').map((c) => c.detail)).toEqual([
      expect.stringMatching(/Do you trust the files in this folder\?/),
      expect.stringMatching(/How would you like to authenticate for this project\?/),
      expect.stringMatching(/Press Enter to submit, Esc to cancel/),
    ]);
    expect(changes[6]?.detail).toMatch(/^◇ {2}Ready \(repo4\)/);
  });
});

describe('Gemini CLI with hooks (0.61.0)', () => {
  it('SessionStart and BeforeAgent hooks drive the turn; a turn an API error ends (no AfterAgent) is ended by the title', async () => {
    const { changes, states } = await replay('gemini', 'gemini/hooks-turn-error-exit.cast');
    expect(states).toEqual(['idle/title', 'idle/hook', 'working/hook', 'idle/title', 'exited/exit']);
    expect(changes[1]?.detail).toBe('session startup');
    expect(changes[2]?.detail).toBe('add a note to README');
    expect(changes[3]?.detail).toMatch(/^◇ {2}Ready/);
  });
});

describe('GitHub Copilot CLI recordings (1.0.102)', () => {
  it('folder trust, then the sign-in it needs: a question throughout; Ctrl-C twice exits 0', async () => {
    const { changes, states } = await replay('copilot', 'copilot/trust-sign-in-exit.cast');
    // Leaving, Copilot erases its composer and the sign-in line before the process ends: no question is left on screen.
    expect(states).toEqual(['needs_input/screen', 'working/screen', 'exited/exit']);
    expect(changes[0]?.detail).toMatch(/1\. Yes/);
  });
});

describe('Qwen Code recordings (0.15.10)', () => {
  it('ready at its prompt, the prompt of -i run (a spinner with "esc to cancel"), an API error back at the prompt, exit', async () => {
    const { changes, states } = await replay('qwen', 'qwen/api-error-ready-exit.cast');
    expect(states).toEqual(['idle/screen', 'working/screen', 'idle/screen', 'exited/exit']);
    expect(changes[1]?.detail).toMatch(/esc to cancel/);
    expect(changes[2]?.detail).toMatch(/Type your message/);
  });
});

describe('OpenCode recordings (1.18.33)', () => {
  it('ready with the prompt of --prompt in its composer; with no provider it ends by itself, exit 0', async () => {
    const { changes, states } = await replay('opencode', 'opencode/prompt-no-provider-exit.cast');
    expect(states).toEqual(['idle/screen', 'exited/exit']);
    expect(changes[0]?.detail).toMatch(/ctrl\+p commands/);
  });
});

describe('Amp recordings (0.0.1790142911)', () => {
  it('without an API key it asks to log in; refused, it fails', async () => {
    const { changes, states } = await replay('amp', 'amp/login-question-cancelled.cast');
    expect(states).toEqual(['needs_input/screen', 'failed/exit']);
    expect(changes[0]?.detail).toMatch(/log in to Amp\?/);
  });

  it('with a key but no network it fails at once', async () => {
    const { states } = await replay('amp', 'amp/server-unreachable.cast');
    expect(states).toEqual(['failed/exit']);
  });
});

describe('Cursor CLI (a session written from its documentation: it does not install here)', () => {
  it('workspace trust, a turn, "Run this command?", the turn finishing, Ctrl-C twice', async () => {
    const { changes, states } = await replay('cursor', 'cursor/written-trust-run-command-exit.cast');
    expect(states).toEqual(['needs_input/screen', 'idle/screen', 'working/screen', 'needs_input/screen', 'working/screen', 'idle/screen', 'exited/exit']);
    expect(changes[0]?.detail).toMatch(/Do you trust the contents of this directory\?/);
    expect(changes[3]?.detail).toMatch(/Run this command\?/);
  });
});

describe('fake agent recordings', () => {
  it('with hooks: hooks drive every turn; a question on screen is seen before its late Notification', async () => {
    const { changes, states } = await replay('claude-code', 'fake-agent/hooks-edit-commit-exit.cast');
    expect(states).toEqual([
      'idle/title',
      'idle/hook',
      'working/hook',
      'needs_input/screen', // the dialog held on screen longer than the Notification took to come
      'needs_input/hook',
      'working/hook',
      'needs_input/screen',
      'needs_input/hook',
      'working/hook',
      'idle/title', // the title stops spinning just before the Stop hook
      'idle/hook',
      'exited/exit',
    ]);
    expect(changes[3]?.detail).toBe('│ Do you want to make this edit to fake-agent-notes.md?');
    expect(changes[4]?.detail).toBe('Claude needs your permission to use Edit');
    expect(changes[7]?.detail).toBe('Claude needs your permission to use Bash');
  });

  it('without hooks: questions from the screen, turns from the title', async () => {
    const { changes, states } = await replay('claude-code', 'fake-agent/no-hooks-refuse-retry-ctrl-c.cast');
    expect(states).toEqual([
      'working/title',
      'needs_input/screen',
      'idle/title', // refused: the turn ends
      'working/title',
      'needs_input/screen',
      'working/title',
      'needs_input/screen',
      'idle/title',
      'exited/exit',
    ]);
    expect(changes.filter((c) => c.state === 'needs_input').map((c) => c.detail)).toEqual([
      '│ Do you want to make this edit to fake-agent-notes.md?',
      '│ Do you want to make this edit to fake-agent-notes.md?',
      '│ Do you want to proceed?',
    ]);
  });
});
