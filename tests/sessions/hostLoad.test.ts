import { afterEach, describe, expect, it } from 'vitest';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import { runLoad } from '../fixtures/loadRun';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

/** The short version of the benchmark's load run (30 agents for 60 s there). */
const AGENTS = 10;
const DURATION_MS = 5_000;
const QUESTION_EVERY_MS = 1_000;
/** Agents among them that ask the next question in the same write as the answer's echo. */
const BACK_TO_BACK = 2;
/** What the core's or the host's memory may grow by between a fifth of the run and its end (MB). */
const RSS_GROWTH_MAX_MB = 64;
/** Descriptors that may come and go meanwhile (a log file, a socket of the test runner). */
const FD_SLACK = 3;

const dataDirs: string[] = [];
afterEach(async () => {
  for (const dataDir of dataDirs.splice(0)) await stopHost(dataDir, { all: true }).catch(() => null);
}, 60_000);

describe('the session host under load', () => {
  it(`${AGENTS} agents printing mixed output and asking questions (some back to back): no transcript byte lost, every question surfaced, memory and descriptors flat`, async () => {
    const dataDir = tempDir('switchyard-load-');
    dataDirs.push(dataDir);
    const result = await runLoad({ dataDir, repo: makeRepo(), agents: AGENTS, durationMs: DURATION_MS, questionEveryMs: QUESTION_EVERY_MS, backToBack: BACK_TO_BACK });

    expect(result.agents).toHaveLength(AGENTS);
    for (const agent of result.agents) {
      // Each agent said how many lines it printed; the transcript holds each of them, whole, in order.
      expect(agent.ended, `agent ${agent.sessionId} ended when told to; its states: ${agent.states}; its last output: ${JSON.stringify(agent.tail)}`).toBe(true);
      expect(agent.printed, `agent ${agent.sessionId} left no last line`).not.toBeNull();
      expect(agent).toMatchObject({ recorded: agent.printed, missing: 0, damaged: 0 });
      expect(agent.asked).toBeGreaterThan(0);
      // A question not surfaced is never answered, and its agent never ends: each was, once.
      expect(agent.answered, `agent ${agent.sessionId}; its states: ${agent.states}`).toBe(agent.asked);
      expect(agent.surfaced, `agent ${agent.sessionId}; its states: ${agent.states}`).toBe(agent.asked);
    }
    expect(result.last.hostRssMb - result.warm.hostRssMb).toBeLessThan(RSS_GROWTH_MAX_MB);
    expect(result.last.coreRssMb - result.warm.coreRssMb).toBeLessThan(RSS_GROWTH_MAX_MB);
    expect(Math.abs(result.last.hostFds - result.warm.hostFds)).toBeLessThanOrEqual(FD_SLACK);
    expect(Math.abs(result.last.coreFds - result.warm.coreFds)).toBeLessThanOrEqual(FD_SLACK);
  }, 180_000);
});
