import { afterEach } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { installFakeClaude } from './fakeClaude';
import { makeRepo } from './gitRepo';
import { tempDir } from './tempDir';

const open: Core[] = [];

/** A real core on a real SQLite file in a temp data directory, disposed after the test. */
export function makeCore(dataDir = tempDir('switchyard-data-')): Core & { log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  const core = createCore({ dataDir, mode: 'browser', log });
  open.push(core);
  return Object.assign(core, { log });
}

afterEach(async () => {
  for (const core of open.splice(0)) await core.dispose();
});

/**
 * A core with one project (a fresh repository) and one task for the fake Claude Code, whose
 * "thinking" phases last `workMs`; `typed` collects every keystroke that reaches any session.
 */
export async function coreWithFakeAgentTask(workMs: number) {
  installFakeClaude(workMs);
  const core = makeCore();
  const project = await core.projects.add(makeRepo());
  const task = core.tasks.create({ projectId: project.id, title: 'Add a note', prompt: 'add a note' });
  const typed: string[] = [];
  const input = core.sessions.input.bind(core.sessions);
  core.sessions.input = (id, data) => {
    typed.push(data);
    return input(id, data);
  };
  return { core, project, task, typed };
}
