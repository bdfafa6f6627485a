import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { INTERRUPTED_FOLLOW_UP } from '../../electron/core/sessions/sessionService';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  delete process.env.FAKE_AGENT_CRASH;
});

function open(dataDir: string): Core {
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  cores.push(core);
  return core;
}

async function close(core: Core): Promise<void> {
  cores.splice(cores.indexOf(core), 1);
  await core.dispose();
}

const text = async (core: Core, sessionId: string) => (await core.transcripts.export(sessionId, 'text')).data;

describe('an agent interrupted in the middle of its work', () => {
  it('continues its own conversation, in the same session, when its task starts again after the app restarted', async () => {
    // A long "thinking" phase: the app quits while the agent is working.
    installFakeClaude(60_000);
    const dataDir = tempDir('switchyard-data-');
    let core = open(dataDir);
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Long task', prompt: 'Add a line to the readme' });
    const first = await core.sessions.start(task.id);
    await waitFor('working', () => core.sessions.history(first.id).some((c) => c.state === 'working'), 30_000);
    await close(core);

    core = open(dataDir);
    expect(core.tasks.get(task.id).status).toBe('ready');
    // Stopped by the app quitting, not failed: the last two changes say so.
    expect(core.sessions.history(first.id).slice(-2).map((c) => c.state)).toEqual(['working', 'exited']);
    const again = await core.sessions.start(task.id);
    expect(again).toMatchObject({ id: first.id, agentSessionId: first.agentSessionId, endedAt: null });
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(1);
    // The fake agent, like Claude Code, says which conversation `--resume` opened, then gets the follow-up.
    await waitFor('resumed', async () => (await text(core, first.id)).includes(`Resumed conversation ${first.agentSessionId}`), 30_000);
    await waitFor('follow-up', async () => (await text(core, first.id)).includes(INTERRUPTED_FOLLOW_UP.slice(0, 40)), 30_000);
    await waitFor('working again', () => core.tasks.get(task.id).status === 'running' && core.sessions.get(first.id).state === 'working', 30_000);
    // The transcript keeps the first run's output before the second's: the numbering went on.
    const transcript = await text(core, first.id);
    expect(transcript.indexOf('Add a line to the readme')).toBeLessThan(transcript.indexOf('Resumed conversation'));
  });

  it('starts a new session instead when the last one failed', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_CRASH = '3';
    const core = open(tempDir('switchyard-data-'));
    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'Crashes', prompt: 'Do it' });
    const first = await core.sessions.start(task.id);
    await waitFor('failed', () => core.tasks.get(task.id).status === 'failed', 30_000);
    delete process.env.FAKE_AGENT_CRASH;
    const second = await core.sessions.start(task.id);
    expect(second.id).not.toBe(first.id);
    expect(second.agentSessionId).not.toBe(first.agentSessionId);
    expect(core.sessions.list({ taskId: task.id })).toHaveLength(2);
  });
});
