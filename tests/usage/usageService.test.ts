import { describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/app';
import type { NotificationDto, Task } from '../../shared/contract';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { waitFor } from '../helpers/waitFor';

/** How long a run of fake agents may take on a loaded 2-core machine (ms). */
const RUN_TIMEOUT_MS = 90_000;

/** What the fake agent reports per API response (FAKE_AGENT_USAGE's default), two responses a turn. */
const PER_TURN = { input: 2 * 1200, output: 2 * 340, cacheWrite: 2 * 5000, cacheRead: 2 * 20000 };
/** claude-sonnet-4-5 at $3 / $15 / $3.75 / $0.30 per million tokens. */
const COST_PER_TURN = (PER_TURN.input * 3 + PER_TURN.output * 15 + PER_TURN.cacheWrite * 3.75 + PER_TURN.cacheRead * 0.3) / 1e6;

async function project(core: Core) {
  const p = await core.projects.add(makeRepo());
  // The fake agent runs with its skip-permissions flag: no question waits for a human.
  core.settings.set('policy.preset', 'all', 'project', p.id);
  return p;
}

const inReview = (core: Core, ...tasks: Task[]) => () => tasks.every((t) => core.tasks.get(t.id).status === 'review');

describe('usage of real agent sessions', () => {
  it('reads each task’s tokens from its agent’s transcript, prices them, and times the work', async () => {
    installFakeClaude(50);
    const core = makeCore();
    const p = await project(core);
    const a = core.tasks.create({ projectId: p.id, title: 'Write the notes', prompt: 'Add a line for A' });
    const b = core.tasks.create({ projectId: p.id, title: 'Check the notes', prompt: 'Add a line for B' });
    const changed: string[] = [];
    core.bus.subscribe((m) => {
      if (m.event === 'usage.changed') changed.push(m.payload.taskId);
    });
    core.scheduler.run(p.id);
    await waitFor('both tasks in review', inReview(core, a, b), RUN_TIMEOUT_MS);

    const report = core.usage.report({ projectId: p.id });
    expect(report.tasks.map((t) => t.title).sort()).toEqual(['Check the notes', 'Write the notes']);
    for (const task of report.tasks) {
      expect(task.observable).toBe(true);
      expect(task.tokens).toEqual(PER_TURN);
      expect(task.model).toBe('claude-sonnet-4-5-20250929');
      expect(task.costUsd).toBeCloseTo(COST_PER_TURN, 9);
      expect(task.workingMs).toBeGreaterThan(0);
      expect(task.leadTimeMs).toBeGreaterThan(0);
    }
    expect(report.totals.tokens.cacheRead).toBe(2 * PER_TURN.cacheRead);
    expect(report.totals.costUsd).toBeCloseTo(2 * COST_PER_TURN, 9);
    // The cards heard of it while the agents ran.
    expect(new Set(changed)).toEqual(new Set([a.id, b.id]));
    // Hour buckets per project and agent, for the charts, hold the same tokens.
    expect(report.buckets.reduce((s, x) => s + x.tokens.output, 0)).toBe(2 * PER_TURN.output);
    expect(report.limitWindows.find((w) => w.agentKind === 'claude-code')?.tokens).toBeGreaterThan(0);
  });

  it('shows a model the price table does not know as unpriced, never as free, and a shell command as not observable', async () => {
    installFakeClaude(50);
    process.env.FAKE_AGENT_MODEL = 'claude-imaginary-9-20990101';
    try {
      const core = makeCore();
      const p = await project(core);
      const task = core.tasks.create({ projectId: p.id, title: 'Unknown model', prompt: 'Add a line' });
      const shell = core.tasks.create({ projectId: p.id, title: 'Shell', agentKind: 'custom', agentOptions: { command: ['/bin/sh', '-c', 'true'], promptDelivery: 'none' } });
      core.scheduler.run(p.id);
      await waitFor('the agent in review', inReview(core, task), RUN_TIMEOUT_MS);
      await waitFor('the shell command done', () => core.sessions.list({ taskId: shell.id }).some((s) => s.endedAt !== null), RUN_TIMEOUT_MS);
      const report = core.usage.report({ projectId: p.id });
      const unknown = report.tasks.find((t) => t.taskId === task.id)!;
      expect(unknown.tokens).toEqual(PER_TURN);
      expect(unknown.costUsd).toBeNull();
      expect(report.unpricedModels).toEqual(['claude-imaginary-9-20990101']);
      expect(report.totals.unpricedTasks).toBe(1);
      expect(report.totals.costUsd).toBe(0);
      const command = report.tasks.find((t) => t.taskId === shell.id)!;
      expect(command).toMatchObject({ observable: false, tokens: null, costUsd: null });

      // With cost off (a subscription) no cost is shown at all; the tokens still are.
      core.settings.set('usage.costMode', 'tokens', 'user');
      const tokensOnly = core.usage.report({ projectId: p.id });
      expect(tokensOnly.totals.costUsd).toBeNull();
      expect(tokensOnly.tasks.find((t) => t.taskId === task.id)?.tokens).toEqual(PER_TURN);
    } finally {
      delete process.env.FAKE_AGENT_MODEL;
    }
  });

  it('stops the next start when a budget below one task’s usage is reached, lets the agent finish its turn, and notifies', async () => {
    installFakeClaude(50);
    const core = makeCore();
    const p = await project(core);
    core.settings.set('usage.budgetTokens', 1000, 'project', p.id);
    core.settings.set('usage.budgetPeriod', 'run', 'project', p.id);
    core.settings.set('scheduler.stacking', true, 'project', p.id);
    const first = core.tasks.create({ projectId: p.id, title: 'First', prompt: 'Add a line' });
    const second = core.tasks.create({ projectId: p.id, title: 'Second', prompt: 'Add another line' });
    core.taskGraph.add({ taskId: second.id, dependsOnId: first.id });
    const shown: NotificationDto[] = [];
    core.bus.subscribe((m) => {
      if (m.event === 'notify.show') shown.push(m.payload);
    });
    core.scheduler.run(p.id);
    await waitFor('the first task in review', inReview(core, first), RUN_TIMEOUT_MS);
    await core.scheduler.settled();
    const status = core.scheduler.status(p.id);
    expect(status.budgetStop).toMatch(/token budget is used up: \d+ of 1000 tokens in this run/);
    expect(core.sessions.list({ taskId: second.id })).toEqual([]);
    expect(core.tasks.get(second.id).status).not.toBe('running');
    // Told once the start-up's quiet window is over (NOTIFY_QUIET_START_MS).
    await waitFor('the user is told', () => shown.some((n) => /Budget reached/.test(`${n.title} ${n.body}`)), 30_000);
  });
});
