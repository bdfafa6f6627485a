import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgentServices } from '../../electron/core/agents/agentServices';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { observedSession } from './observedSession';
import type { TerminalDriver } from './terminalDriver';

const FAKE_COPILOT = join(import.meta.dirname, '..', 'fixtures', 'fake-copilot.mjs');

/** Each wait below may take 30 s on a loaded machine; the test as a whole gets room for them. */
const TEST_TIMEOUT_MS = 120_000;

function session(hooks: boolean) {
  const services = createAgentServices({ binaryPaths: { copilot: FAKE_COPILOT }, hooks });
  const { sessionId, driver, agentSessionIds } = observedSession(services, 'copilot', { hooks });
  return { sessionId, services, driver, agentSessionIds };
}

const last = (driver: TerminalDriver) => driver.changes.at(-1);
const states = (driver: TerminalDriver) => driver.changes.map((c) => `${c.state}/${c.source}`);

describe('Copilot CLI through the hooks of a plugin of ours', () => {
  it('reports working and idle from its hooks with the session id it was given, and edits and commits', async () => {
    const repo = makeRepo();
    const copilotHome = tempDir('switchyard-copilot-home-');
    const { sessionId, services, driver, agentSessionIds } = session(true);
    const launch = await services.resolveLaunch({ kind: 'copilot', title: 'Note', prompt: 'add a note', cwd: repo }, { sessionId, resume: false });
    expect(launch.hooks).toBe(true);
    expect(launch.args[0]).toBe('--plugin-dir');
    const plugin = JSON.parse(readFileSync(join(launch.args[1] as string, 'hooks.json'), 'utf8')) as { version: number; hooks: Record<string, unknown> };
    expect(plugin.version).toBe(1);
    expect(Object.keys(plugin.hooks)).toEqual(['sessionStart', 'userPromptSubmitted', 'preToolUse', 'postToolUse', 'notification', 'agentStop', 'sessionEnd']);
    driver.start(launch, { COPILOT_HOME: copilotHome, FAKE_COPILOT_WORK_MS: '300' });

    // Its permission question comes as a notification hook.
    // (The screen may see the question first; the hook confirms it.)
    await waitFor('the permission question', () => last(driver)?.state === 'needs_input' && last(driver)?.source === 'hook', { timeoutMs: 30_000, explain: driver.explain });
    expect(last(driver)?.detail).toBe('Create file: notes.md');
    driver.write('1');
    await waitFor('the agentStop hook', () => last(driver)?.state === 'idle' && last(driver)?.detail === 'turn finished', { timeoutMs: 30_000, explain: driver.explain });
    expect(driver.changes.map((c) => c.state)).toEqual(expect.arrayContaining(['working', 'needs_input', 'idle']));
    expect(driver.changes[driver.changes.findLastIndex((c) => c.state === 'needs_input') + 1]?.state, 'the answer is work again').toBe('working');
    expect(states(driver)).toContain('working/hook');
    expect(driver.changes.find((c) => c.state === 'working' && c.source === 'hook')?.detail).toBe('add a note');
    expect(gitIn(repo, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
    expect(agentSessionIds).toEqual([launch.agentSessionId]);

    // A second turn: working again from its hook, idle at its end.
    const before = driver.changes.length;
    driver.write('say hello\r');
    await waitFor('the second turn', () => driver.changes.slice(before).some((c) => c.state === 'working' && c.source === 'hook'), { timeoutMs: 30_000, explain: driver.explain });
    await waitFor('its end', () => last(driver)?.state === 'idle' && last(driver)?.source === 'hook', { timeoutMs: 30_000, explain: driver.explain });
    driver.write('/exit\r');
    expect(await driver.waitForExit(30_000)).toBe(0);
    expect(last(driver)).toMatchObject({ state: 'exited', source: 'exit' });
  }, TEST_TIMEOUT_MS);

  it('is read from the screen when it runs without hooks', async () => {
    const repo = makeRepo();
    const { sessionId, services, driver } = session(false);
    const launch = await services.resolveLaunch({ kind: 'copilot', title: 'Hello', prompt: 'say hello', cwd: repo }, { sessionId, resume: false });
    expect(launch.hooks).toBe(false);
    expect(launch.args).not.toContain('--plugin-dir');
    driver.start(launch, { COPILOT_HOME: tempDir('switchyard-copilot-home-'), FAKE_COPILOT_WORK_MS: '1500' });
    await waitFor('idle from the screen', () => last(driver)?.state === 'idle' && driver.changes.some((c) => c.state === 'working'), { timeoutMs: 30_000, explain: driver.explain });
    expect(driver.changes.some((c) => c.source === 'hook')).toBe(false);
  }, TEST_TIMEOUT_MS);
});
