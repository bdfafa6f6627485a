import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LaunchTask } from '../../electron/core/agents/adapter';
import { createAgentServices } from '../../electron/core/agents/agentServices';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { observedSession } from './observedSession';
import type { TerminalDriver } from './terminalDriver';

const FAKE_AGENT = join(import.meta.dirname, '..', 'fixtures', 'fake-agent.mjs');

/** Short enough to keep the tests quick, long enough that a spinner frame is always drawn. */
const WORK_MS = '300';

/** One session the way the host runs it: agent services give the launch and the observer. */
function session(options: { hooks: boolean; sessionId?: string; watchdogMs?: number }) {
  const services = createAgentServices({
    binaryPaths: { 'claude-code': FAKE_AGENT },
    hooks: options.hooks,
    ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
  });
  const { sessionId, observer, driver, agentSessionIds } = observedSession(services, 'claude-code', options);
  return { sessionId, launcher: services, observer, driver, agentSessionIds };
}

const states = (driver: TerminalDriver) => driver.changes.map((c) => `${c.state}/${c.source}`);
const lastState = (driver: TerminalDriver) => driver.changes.at(-1);

describe('the fake agent through the Claude Code adapter', () => {
  it('reports working, needs_input, idle and exited from its hooks, and edits and commits', async () => {
    const repo = makeRepo();
    const { sessionId, launcher, driver, agentSessionIds } = session({ hooks: true });
    const task: LaunchTask = { kind: 'claude-code', title: 'Add a note', prompt: 'add a note', cwd: repo };
    const launch = await launcher.resolveLaunch(task, { sessionId, resume: false });
    expect(launch.hooks).toBe(true);
    expect(launch.args).toContain('--settings');
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_WORK_MS: WORK_MS });

    // The screen may see the question first when the hook is slow; the hook always confirms it.
    const hookAsks = (tool: string) => () =>
      lastState(driver)?.state === 'needs_input' && lastState(driver)?.source === 'hook' && lastState(driver)?.detail === `permission to use ${tool}`;
    await waitFor('the edit question', hookAsks('Edit'), { explain: driver.explain });
    expect(states(driver)).toContain('working/hook');
    driver.write('1');
    await waitFor('the commit question', hookAsks('Bash'), { explain: driver.explain });
    driver.write('1');
    await waitFor('the Stop hook', () => lastState(driver)?.state === 'idle' && lastState(driver)?.source === 'hook', { explain: driver.explain });
    expect(gitIn(repo, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
    // Once a hook spoke, title and screen only ever ran ahead of the next hook, never against it.
    const firstHook = driver.changes.findIndex((c) => c.source === 'hook');
    const after = driver.changes.slice(firstHook);
    after.forEach((change, i) => {
      if (change.source === 'hook') return;
      const nextHook = after.slice(i + 1).find((c) => c.source === 'hook');
      expect(`${change.state} (${change.source}: ${change.detail})`).toBe(`${nextHook?.state} (${change.source}: ${change.detail})`);
    });

    // The hooks reported the conversation id the launch gave, for a later resume.
    expect(agentSessionIds).toEqual([launch.agentSessionId]);
    driver.write('/exit\r');
    expect(await driver.waitForExit()).toBe(0);
    expect(lastState(driver)).toMatchObject({ state: 'exited', source: 'exit' });
  });

  it('is read from the title and the screen when it runs without hooks', async () => {
    const repo = makeRepo();
    const { sessionId, launcher, driver } = session({ hooks: false });
    const launch = await launcher.resolveLaunch({ kind: 'claude-code', title: 'Screen only', prompt: 'note from the screen', cwd: repo }, { sessionId, resume: false });
    expect(launch.hooks).toBe(false);
    expect(launch.args).not.toContain('--settings');
    // Readings of the screen must hold a moment before they count: give each phase time to be seen.
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_WORK_MS: '1200' });

    await waitFor('the edit question', () => lastState(driver)?.state === 'needs_input', { explain: driver.explain });
    expect(lastState(driver)?.source).toBe('screen');
    expect(lastState(driver)?.detail).toMatch(/Do you want to make this edit/);
    expect(states(driver)).toContain('working/title');
    driver.write('1');
    await waitFor('working again after the answer', () => lastState(driver)?.state === 'working', { explain: driver.explain });
    await waitFor('the commit question', () => lastState(driver)?.state === 'needs_input', { explain: driver.explain });
    driver.write('1');
    await waitFor('idle', () => lastState(driver)?.state === 'idle', { explain: driver.explain });
    expect(lastState(driver)?.source).toBe('title');
    expect(driver.changes.some((c) => c.source === 'hook')).toBe(false);
    expect(gitIn(repo, ['log', '-1', '--format=%s'])).toBe('Note: note from the screen');
  });

  it('moves on from a hook-reported question that was answered "no"', async () => {
    const repo = makeRepo();
    const { sessionId, launcher, driver } = session({ hooks: true });
    const launch = await launcher.resolveLaunch({ kind: 'claude-code', title: 'Refused', prompt: 'try an edit', cwd: repo }, { sessionId, resume: false });
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_WORK_MS: WORK_MS });
    await waitFor('the edit question', () => lastState(driver)?.state === 'needs_input', { explain: driver.explain });
    driver.write('3');
    await waitFor('idle after the refusal', () => lastState(driver)?.state === 'idle', { explain: driver.explain });
    expect(existsSync(join(repo, 'fake-agent-notes.md'))).toBe(false);
  });

  it('fails when the agent crashes with a non-zero exit', async () => {
    const { sessionId, launcher, driver } = session({ hooks: true });
    const launch = await launcher.resolveLaunch({ kind: 'claude-code', title: 'Crash', prompt: 'crash please', cwd: makeRepo() }, { sessionId, resume: false });
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_CRASH: '3' });
    expect(await driver.waitForExit()).toBe(3);
    expect(lastState(driver)).toMatchObject({ state: 'failed', source: 'exit', detail: 'exit code 3' });
  });

  it('is taken as idle by the watchdog when it goes silent while working', async () => {
    const { sessionId, launcher, driver } = session({ hooks: true, watchdogMs: 1_000 });
    const launch = await launcher.resolveLaunch({ kind: 'claude-code', title: 'Hang', prompt: 'hang please', cwd: makeRepo() }, { sessionId, resume: false });
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_HANG: '1' });
    await waitFor('working', () => lastState(driver)?.state === 'working', { explain: driver.explain });
    const workingAt = Date.now();
    await waitFor('the watchdog', () => lastState(driver)?.source === 'watchdog', { explain: driver.explain, timeoutMs: 5_000 });
    expect(lastState(driver)?.state).toBe('idle');
    expect(Date.now() - workingAt).toBeGreaterThanOrEqual(900);
  });

  it('exits cleanly on Ctrl-C twice at the prompt, and resumes its conversation by id', async () => {
    const repo = makeRepo();
    const config = tempDir();
    const first = session({ hooks: true });
    const launch = await first.launcher.resolveLaunch({ kind: 'claude-code', title: 'Resumable', prompt: '', cwd: repo }, { sessionId: first.sessionId, resume: false });
    expect(launch.agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
    first.driver.start(launch, { CLAUDE_CONFIG_DIR: config });
    await waitFor('idle at the prompt', () => lastState(first.driver)?.state === 'idle', { explain: first.driver.explain });
    first.driver.write('\x03');
    await waitFor('the second Ctrl-C hint', () => first.driver.text.includes('Press Ctrl-C again'), { explain: first.driver.explain });
    first.driver.write('\x03');
    expect(await first.driver.waitForExit()).toBe(0);
    expect(lastState(first.driver)?.state).toBe('exited');

    const second = session({ hooks: true, sessionId: first.sessionId });
    const resumed = await second.launcher.resolveLaunch(
      { kind: 'claude-code', title: 'Resumable', prompt: 'ignored on resume', cwd: repo },
      { sessionId: first.sessionId, agentSessionId: launch.agentSessionId, resume: true },
    );
    expect(resumed.args.slice(0, 2)).toEqual(['--resume', launch.agentSessionId]);
    second.driver.start(resumed, { CLAUDE_CONFIG_DIR: config });
    await waitFor('idle after resuming', () => lastState(second.driver)?.state === 'idle', { explain: second.driver.explain });
    expect(second.driver.text).toContain(`Resumed conversation ${launch.agentSessionId}`);
    second.driver.write('/exit\r');
    expect(await second.driver.waitForExit()).toBe(0);
  });

  it('asks nothing with --dangerously-skip-permissions (a custom command line) and still edits and commits', async () => {
    const repo = makeRepo();
    const { sessionId, launcher, driver } = session({ hooks: false });
    const launch = await launcher.resolveLaunch(
      { kind: 'custom', title: 'Yolo', prompt: 'no questions', cwd: repo, command: [FAKE_AGENT, '--dangerously-skip-permissions'], promptDelivery: 'argv' },
      { sessionId, resume: false },
    );
    expect(launch.args).toEqual(['--dangerously-skip-permissions', 'no questions']);
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_WORK_MS: '600' });
    await waitFor('the commit', () => driver.text.includes('committed it'), { explain: driver.explain });
    await waitFor('idle', () => lastState(driver)?.state === 'idle', { explain: driver.explain });
    expect(driver.changes.some((c) => c.state === 'needs_input')).toBe(false);
    expect(gitIn(repo, ['log', '-1', '--format=%s'])).toBe('Note: no questions');
  });

  it('floods the requested megabytes of colored output, then exits 0', async () => {
    const { sessionId, launcher, driver } = session({ hooks: false });
    const launch = await launcher.resolveLaunch(
      { kind: 'custom', title: 'Flood', prompt: '', cwd: makeRepo(), command: [FAKE_AGENT, '--flood', '2'] },
      { sessionId, resume: false },
    );
    driver.start(launch);
    expect(await driver.waitForExit(20_000)).toBe(0);
    // Under load, node-pty can report the exit and drop the last read of a program that exits right
    // after a burst (seen here one run in a few): allow one 64 KiB write to be missing at the end.
    expect(Buffer.byteLength(driver.text)).toBeGreaterThanOrEqual(2 * 1024 * 1024 - 64 * 1024);
    expect(driver.text.slice(0, 100).includes('\x1b[38;5;')).toBe(true);
    expect(driver.text).not.toMatch(/Error/);
  });

  it('takes a prompt of several lines typed in as a bracketed paste (a custom command)', async () => {
    const repo = makeRepo();
    const { sessionId, launcher, driver } = session({ hooks: false });
    const launch = await launcher.resolveLaunch(
      { kind: 'custom', title: 'Typed', prompt: 'first line\nsecond line', cwd: repo, command: [FAKE_AGENT, '--dangerously-skip-permissions'] },
      { sessionId, resume: false },
    );
    expect(launch.initialInput).toBe('\x1b[200~first line\nsecond line\x1b[201~\r');
    driver.start(launch, { CLAUDE_CONFIG_DIR: tempDir(), FAKE_AGENT_WORK_MS: '100' });
    await waitFor('the commit', () => driver.text.includes('committed it'), { explain: driver.explain });
    expect(readFileSync(join(repo, 'fake-agent-notes.md'), 'utf8')).toBe('- first line\nsecond line\n');
  });
});
