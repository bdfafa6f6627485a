import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentServices } from '../../electron/core/agents/agentServices';
import { HOOK_ENV } from '../../electron/core/agents/hookRelay';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { observedSession } from './observedSession';
import type { TerminalDriver } from './terminalDriver';

const FAKE_CODEX = join(import.meta.dirname, '..', 'fixtures', 'fake-codex.mjs');

/** Each wait below may take 30 s on a loaded machine; the test as a whole gets room for them. */
const TEST_TIMEOUT_MS = 120_000;

/** Long enough that each phase is on screen past the settle time of a screen reading. */
const WORK_MS = '1000';

/** A turn long enough that notify programs run by hand finish well inside it. */
const SLOW_WORK_MS = '5000';

/**
 * One Codex session as the host runs it, with a home folder of its own whose Codex config holds the
 * user's notify program, when given (CODEX_HOME, when this machine sets one, is the tests' own).
 */
function session(userNotify?: string[]) {
  const home = tempDir('switchyard-home-');
  const codexHome = join(home, '.codex');
  mkdirSync(codexHome);
  if (userNotify) writeFileSync(join(codexHome, 'config.toml'), `model = "gpt-5.5"\nnotify = ${JSON.stringify(userNotify)}\n\n[tui]\nnotifications = true\n`);
  const services = createAgentServices({ binaryPaths: { codex: FAKE_CODEX }, home });
  const { sessionId, driver, agentSessionIds } = observedSession(services, 'codex', { hooks: true });
  return { sessionId, services, driver, agentSessionIds, env: { CODEX_HOME: codexHome } };
}

const last = (driver: TerminalDriver) => driver.changes.at(-1);

describe('Codex through its notify program', () => {
  it("moves to idle on the finished turn's notify, records the thread id, and still reads questions and new turns from the screen", async () => {
    const repo = makeRepo();
    const seen = join(tempDir('switchyard-user-notify-'), 'payloads');
    mkdirSync(seen);
    // The user's own notify program: it must still run, with the JSON Codex sends, as its last argument.
    const userProgram = ['/bin/sh', '-c', 'printf "%s" "$1" > "$0/$(date +%s%N)"', seen];
    const { sessionId, services, driver, agentSessionIds, env } = session(userProgram);
    const launch = await services.resolveLaunch({ kind: 'codex', title: 'Note', prompt: 'add a note', cwd: repo }, { sessionId, resume: false });
    expect(launch.hooks).toBe(true);
    expect(launch.args[1]).toBe('-c');
    expect(launch.args[2]).toMatch(/^notify=\["\/usr\/bin\/env","ELECTRON_RUN_AS_NODE=1",/);
    expect(launch.env[HOOK_ENV.session]).toBe(sessionId);
    driver.start(launch, { ...env, FAKE_CODEX_WORK_MS: WORK_MS });

    // Notify says nothing of questions: the approval is read from the screen.
    await waitFor('the edit approval', () => last(driver)?.state === 'needs_input', { timeoutMs: 30_000, explain: driver.explain });
    expect(last(driver)).toMatchObject({ source: 'screen' });
    driver.write('1');
    await waitFor('the finished turn', () => last(driver)?.state === 'idle' && last(driver)?.source === 'hook', { timeoutMs: 30_000, explain: driver.explain });
    expect(last(driver)?.detail).toBe('Added "add a note" to notes.md and committed it.');
    expect(driver.changes.map((c) => c.state)).toContain('working');
    expect(gitIn(repo, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
    expect(agentSessionIds).toHaveLength(1);
    const threadId = agentSessionIds[0] as string;
    expect(threadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // The user's program got the same payloads: the turn's, and the one of the thread that named the task (which changed no state).
    const userPayloads = await waitFor('the user notify program', () => {
      const payloads = readdirSync(seen).map((file) => JSON.parse(readFileSync(join(seen, file), 'utf8')) as Record<string, unknown>);
      return payloads.length >= 2 && payloads;
    });
    expect(userPayloads.find((p) => p['thread-id'] === threadId)).toMatchObject({ type: 'agent-turn-complete', 'input-messages': ['add a note'] });
    expect(userPayloads.filter((p) => p['thread-id'] !== threadId)).toHaveLength(1);

    // A new turn is read from the screen again (a notify does not take over as hooks do), and its end from notify.
    const changesBefore = driver.changes.length;
    driver.write('say hello\r');
    await waitFor('working on the second turn', () => driver.changes.slice(changesBefore).some((c) => c.state === 'working'), { timeoutMs: 30_000, explain: driver.explain });
    await waitFor('the second finished turn', () => last(driver)?.state === 'idle' && last(driver)?.detail === 'Done: say hello', { timeoutMs: 30_000, explain: driver.explain });
    expect(last(driver)?.source).toBe('hook');
    expect(agentSessionIds).toEqual([threadId]);
    driver.write('/exit\r');
    expect(await driver.waitForExit()).toBe(0);
    expect(driver.text).toContain(`run codex resume ${threadId}`);
  }, TEST_TIMEOUT_MS);

  it('changes nothing on a notify without the session token', async () => {
    const repo = makeRepo();
    const { sessionId, services, driver, agentSessionIds, env } = session();
    const launch = await services.resolveLaunch({ kind: 'codex', title: 'Hello', prompt: 'say hello', cwd: repo }, { sessionId, resume: false });
    driver.start(launch, { ...env, FAKE_CODEX_WORK_MS: SLOW_WORK_MS });
    await waitFor('the finished turn', () => last(driver)?.state === 'idle' && last(driver)?.source === 'hook', { timeoutMs: 30_000, explain: driver.explain });
    driver.write('say more\r');
    await waitFor('working again', () => last(driver)?.state === 'working', { timeoutMs: 30_000, explain: driver.explain });
    const before = [...driver.changes];

    // The relay run as Codex would run it, with the real payload of another thread, but without the token, then with a wrong one.
    const notifyArgv = JSON.parse(launch.args[2]?.slice('notify='.length) ?? '[]') as string[];
    const forged = JSON.stringify({ type: 'agent-turn-complete', 'thread-id': 'forged-thread', 'turn-id': '9', cwd: repo, 'input-messages': ['x'], 'last-assistant-message': 'forged' });
    for (const token of [undefined, 'not-the-token']) {
      const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env };
      if (token === undefined) delete env[HOOK_ENV.token];
      else env[HOOK_ENV.token] = token;
      const relay = spawn(notifyArgv[0] as string, [...notifyArgv.slice(1), forged], { env, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => relay.on('exit', resolve));
      expect(code).toBe(0);
    }
    expect(last(driver)?.state, 'the turn is still running, so a forged end of it would show').toBe('working');
    // The genuine notify of the second turn still counts; what came before it is the turn's own end on screen, never the forged one.
    await waitFor('the genuine second notify', () => last(driver)?.detail === 'Done: say more', { timeoutMs: 30_000, explain: driver.explain });
    const after = driver.changes.slice(before.length).map((c) => `${c.state}/${c.source}`);
    expect(after.at(-1)).toBe('idle/hook');
    expect(after.slice(0, -1).every((c) => c === 'idle/screen'), after.join(', ')).toBe(true);
    expect(driver.changes.some((c) => c.detail === 'forged')).toBe(false);
    expect(agentSessionIds).not.toContain('forged-thread');
    expect(new Set(agentSessionIds).size).toBe(1);
  }, TEST_TIMEOUT_MS);
});

