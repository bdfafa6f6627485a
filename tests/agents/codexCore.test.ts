import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const FAKE_CODEX = join(import.meta.dirname, '..', 'fixtures', 'fake-codex.mjs');

/** Each wait below may take 30 s on a loaded machine; the test as a whole gets room for them. */
const TEST_TIMEOUT_MS = 120_000;

const OTHER_THREAD = '019ae6c1-0000-7000-8000-000000000001';

const cores: Core[] = [];
const saved = { PATH: process.env.PATH, CODEX_HOME: process.env.CODEX_HOME, FAKE_CODEX_WORK_MS: process.env.FAKE_CODEX_WORK_MS };
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Puts the fake Codex on PATH as `codex`, with a Codex home of its own, as a user's install would be found. */
function installFakeCodex(): void {
  const bin = tempDir('switchyard-bin-');
  chmodSync(FAKE_CODEX, 0o755);
  symlinkSync(FAKE_CODEX, join(bin, 'codex'));
  process.env.PATH = `${bin}:${process.env.PATH}`;
  process.env.CODEX_HOME = tempDir('switchyard-codex-home-');
  process.env.FAKE_CODEX_WORK_MS = '500';
}

const text = async (core: Core, sessionId: string) => (await core.transcripts.export(sessionId, 'text')).data;

describe('a Codex task in the app', () => {
  it("is idle on its notify, keeps the thread id as the session's agent session, and resumes that thread", async () => {
    installFakeCodex();
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger() });
    cores.push(core);
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Greet', prompt: 'say hello', agentKind: 'codex' });
    const session = await core.sessions.start(task.id);
    expect(session.agentSessionId).toBeNull();

    await waitFor('the notify of the finished turn', () => core.sessions.history(session.id).some((c) => c.state === 'idle' && c.source === 'hook'), 60_000);
    const threadId = await waitFor('the thread id stored', () => core.sessions.get(session.id).agentSessionId ?? false, 30_000);
    expect(threadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(core.sessions.history(session.id).find((c) => c.source === 'hook')?.detail).toBe('Done: say hello');

    // A newer thread of another session: `resume --last` would open that one.
    writeFileSync(join(process.env.CODEX_HOME as string, 'sessions', `${OTHER_THREAD}.json`), JSON.stringify({ id: OTHER_THREAD, turns: [] }));
    const resumed = await core.sessions.relaunch(session.id, true);
    expect(resumed.agentSessionId).toBe(threadId);
    // `codex resume <thread-id>`, not `--last`: the fake says which thread it opened.
    await waitFor('the thread resumed', async () => /Resumed conversation \S+/.exec(await text(core, session.id))?.[0], 60_000);
    expect(await text(core, session.id)).toContain(`Resumed conversation ${threadId}`);
  }, TEST_TIMEOUT_MS);
});
