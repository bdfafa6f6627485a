import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session, StateChange } from '../../shared/contract';
import { claudeTranscriptPath, findCodexRollout } from '../../electron/core/usage/sourceLocator';
import { leadTime, taskTimes } from '../../electron/core/usage/taskTimes';
import { tempDir } from '../helpers/tempDir';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'usage');
const pad = (n: number) => String(n).padStart(2, '0');

describe('finding an agent’s record without a hook', () => {
  it('finds Codex’s rollout of a session by its folder and start, and not another folder’s', () => {
    const home = tempDir('switchyard-codex-');
    const started = Date.parse('2026-12-01T08:59:30.000Z');
    const day = new Date(started);
    const dir = join(home, 'sessions', String(day.getFullYear()), pad(day.getMonth() + 1), pad(day.getDate()));
    mkdirSync(dir, { recursive: true });
    const mine = join(dir, 'rollout-2026-12-01T09-00-00-019a9776.jsonl');
    copyFileSync(join(fixtures, 'codex-rollout.jsonl'), mine);
    const other = join(dir, 'rollout-2026-12-01T09-00-01-019a9777.jsonl');
    writeFileSync(other, readFileSync(mine, 'utf8').replace(/"cwd":"\/work\/repo"/g, '"cwd":"/work/elsewhere"'));
    for (const path of [mine, other]) utimesSync(path, started / 1000 + 60, started / 1000 + 60);
    expect(findCodexRollout('/work/repo', started, started + 60_000, { CODEX_HOME: home })).toBe(mine);
    expect(findCodexRollout('/work/nowhere', started, started + 60_000, { CODEX_HOME: home })).toBeNull();
    // A rollout that began well before the session is an earlier conversation's.
    expect(findCodexRollout('/work/repo', started + 3_600_000, started + 3_700_000, { CODEX_HOME: home })).toBeNull();
  });

  it('finds Claude Code’s transcript by the conversation id where Claude Code keeps it', () => {
    const config = tempDir('switchyard-claude-');
    const folder = join(config, 'projects', '-work-repo-sy-health');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5.jsonl'), '');
    expect(claudeTranscriptPath('/work/repo/sy_health', '0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5', { CLAUDE_CONFIG_DIR: config })).toBe(join(folder, '0f6c1d2e-3b4a-4c5d-8e9f-a0b1c2d3e4f5.jsonl'));
    expect(claudeTranscriptPath('/work/repo/sy_health', 'another', { CLAUDE_CONFIG_DIR: config })).toBeNull();
  });
});

describe('time per task from the state history', () => {
  const session = (id: string, startedAt: number, endedAt: number | null, stopReason: Session['stopReason'] = null): Session => ({
    id,
    taskId: 't',
    agentKind: 'claude-code',
    agentSessionId: null,
    state: 'idle',
    stateSource: 'hook',
    stateAt: startedAt,
    pid: null,
    cwd: '/work/repo',
    exitCode: null,
    startedAt,
    endedAt,
    stopReason,
  });
  const change = (state: StateChange['state'], at: number): StateChange => ({ state, source: 'hook', at });

  it('splits each session into working, waiting for the user and idle, and counts the wait for a limit until the next start', () => {
    const sessions = [session('a', 0, 10_000, 'usage_limit'), session('b', 70_000, null)];
    const history: Record<string, StateChange[]> = {
      a: [change('starting', 0), change('working', 1_000), change('needs_input', 4_000), change('working', 6_000), change('idle', 9_000)],
      b: [change('working', 70_000), change('idle', 75_000)],
    };
    expect(taskTimes(sessions, (id) => history[id]!, 80_000)).toEqual({
      workingMs: 1_000 + 3_000 + 3_000 + 5_000,
      waitingMs: 2_000,
      idleMs: 1_000 + 5_000,
      limitWaitMs: 60_000,
    });
  });

  it('measures the lead time from Ready to the first Review, and none before it', () => {
    expect(leadTime([{ status: 'backlog', at: 0 }, { status: 'ready', at: 100 }, { status: 'running', at: 150 }, { status: 'review', at: 900 }, { status: 'review', at: 2000 }])).toBe(800);
    expect(leadTime([{ status: 'ready', at: 100 }, { status: 'running', at: 150 }])).toBeNull();
  });
});
