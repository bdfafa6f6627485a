import { chmodSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../electron/core/app';
import { tempDir } from './tempDir';

const fakeAgent = join(import.meta.dirname, '..', 'fixtures', 'fake-agent.mjs');

/**
 * Puts the fake agent on PATH as `claude`, so that Switchyard finds and runs it the way it runs the
 * real one, with its conversations kept in a temp folder and each "thinking" phase `workMs` long.
 * Returns the folder it put on PATH.
 */
export function installFakeClaude(workMs: number): string {
  const bin = tempDir('switchyard-bin-');
  chmodSync(fakeAgent, 0o755);
  symlinkSync(fakeAgent, join(bin, 'claude'));
  process.env.PATH = `${bin}:${process.env.PATH}`;
  process.env.CLAUDE_CONFIG_DIR = tempDir('switchyard-claude-');
  process.env.FAKE_AGENT_WORK_MS = String(workMs);
  return bin;
}

/** The fake agents ask before they edit: answers every question yes, as a person at the keyboard would. */
export function answerQuestions(core: Core): void {
  core.bus.subscribe(({ event, payload }) => {
    if (event === 'session.state' && payload.change.state === 'needs_input') void core.sessions.input(payload.sessionId, '1').catch(() => undefined);
  });
}
