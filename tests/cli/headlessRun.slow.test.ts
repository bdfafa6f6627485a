import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findExecutable } from '../../electron/core/agents/binaries';
import { createCore } from '../../electron/core/app';
import { appRoot } from '../../electron/core/appRoot';
import { memoryLogger } from '../../electron/core/log';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import type { SettingKey } from '../../shared/contract';
import { DEPENDENT_NOTES } from '../fixtures/notePlans';
import { serveCli } from '../helpers/cli';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { isRunning } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const cli = join(appRoot(), 'bin', 'switchyard.js');

/** A whole run with three agents on a loaded 2-core machine (ms). */
const RUN_MS = 90_000;
/** The run process's CPU time for the whole run may not exceed this (s): generous, it is a bound against spinning. */
const RUN_CPU_LIMIT_S = 3;
/** The retry wait set for the run: three attempts of the missing agent take well under a second (s). */
const BACKOFF_S = 0.2;
/** Clock ticks per second of /proc/<pid>/stat's times (the kernel's USER_HZ). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

const PLAN = `# Notes plan

## Phase 1: Notes

### 1.1 Codex note
**Assignee:** Codex

\`\`\`
Write a note with Codex
\`\`\`

### 1.2 First note
**Assignee:** Claude Code

\`\`\`
Write the first note
\`\`\`

### 1.3 Second note
**Assignee:** Claude Code
**Depends On:** 1.2

\`\`\`
Write the second note
\`\`\`
`;

/** One task whose agent asks before it edits (unless something answers for the user). */
const ASKING_PLAN = `# Plan

### 1.1 Asking note
**Assignee:** Claude Code

\`\`\`
Write a note
\`\`\`
`;

let fakeBin: string;

beforeAll(() => {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
}, 120_000);

// Each test's temp folders go with it: the fake agent is put in place again for each.
beforeEach(() => {
  fakeBin = installFakeClaude(50);
});

/** Data folders of the test: the commands other than run keep their session host running on exit. */
const dataDirs: string[] = [];
afterEach(async () => {
  for (const dir of dataDirs.splice(0)) await stopHost(dir, { all: true });
});

/**
 * The environment of a run: the fake agent as `claude`, node, git and sh, and nothing else on
 * PATH — no Codex — and a home folder of its own, where no agent is installed either.
 */
function runEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${fakeBin}:/usr/bin:/bin`, HOME: tempDir('switchyard-home-') };
}

/** A repository with the plan imported, and the project's settings the test wants. */
async function projectWithPlan(plan: string, settings: (set: (key: SettingKey, value: unknown) => void) => void = () => {}) {
  const repo = makeRepo();
  const dataDir = tempDir('switchyard-data-');
  dataDirs.push(dataDir);
  const planFile = join(tempDir(), 'plan.md');
  writeFileSync(planFile, plan);
  const imported = spawnSync(process.execPath, [cli, 'import-plan', planFile, '--project', repo, '--data-dir', dataDir], { encoding: 'utf8', env: runEnv() });
  expect(imported.status, imported.stderr).toBe(0);
  const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
  try {
    const project = core.projects.list()[0]!;
    settings((key, value) => core.settings.set(key, value, 'project', project.id));
  } finally {
    await core.dispose();
  }
  return { repo, dataDir };
}

/** The run, as a child process whose output is collected as it comes. */
function startRun(args: string[], env = runEnv()): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** CPU time (user + system) a live process has used so far, from /proc (s); null once it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

interface TaskRow {
  key: string | null;
  title: string;
  status: string;
  reason: { kind: string; code: string; message: string; attempts: number } | null;
}

function listTasks(repo: string, dataDir: string): TaskRow[] {
  const listed = spawnSync(process.execPath, [cli, 'tasks', '--project', repo, '--json', '--data-dir', dataDir], { encoding: 'utf8', env: runEnv() });
  expect(listed.status, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as TaskRow[];
}

describe('switchyard run', () => {
  it('--approve all --until review: ends by itself with the missing agent blocked, the others in review (stacked), exit 1, little CPU', async () => {
    // Tried: a plan with a Codex task where Codex is not installed, and two dependent Claude Code tasks.
    const env = runEnv();
    expect(await findExecutable('codex', env.PATH!)).toBeNull();
    const { repo, dataDir } = await projectWithPlan(PLAN, (set) => set('scheduler.retryBackoff', BACKOFF_S));

    const run = startRun(['--project', repo, '--approve', 'all', '--until', 'review', '--data-dir', dataDir], env);
    let cpu = 0;
    const code = await waitFor(
      'the run to end by itself',
      async () => {
        cpu = cpuSeconds(run.child.pid!) ?? cpu;
        return run.child.exitCode !== null ? run.exited : false;
      },
      { timeoutMs: RUN_MS, explain: run.output },
    );
    const out = run.output();
    console.log(`switchyard run --approve all --until review: ${cpu.toFixed(2)} s CPU in the run process`);
    expect(code, out).toBe(1);
    expect(cpu).toBeLessThan(RUN_CPU_LIMIT_S);

    // With every question answered by the allow-all preset, no agent asked anything.
    expect(out).not.toMatch(/ asks: /);
    expect(out).toMatch(/1\.1 Codex note → blocked \(blocked: AGENT_NOT_FOUND Cannot start Codex/);
    expect(out).toMatch(/^blocked: 1\.1 Codex note — AGENT_NOT_FOUND Cannot start Codex/m);
    expect(out).toMatch(/the run is over: 2 of 3 reached review; 0 done, 2 to review, 1 failed/);

    const rows = listTasks(repo, dataDir);
    expect(rows.find((r) => r.key === '1.1')).toMatchObject({ status: 'failed', reason: { kind: 'blocked', code: 'AGENT_NOT_FOUND', attempts: 3 } });
    expect(rows.filter((r) => r.key !== '1.1').map((r) => [r.key, r.status])).toEqual([
      ['1.2', 'review'],
      ['1.3', 'review'],
    ]);

    const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    try {
      const project = core.projects.list()[0]!;
      const [, first, second] = core.tasks.list(project.id);
      const firstTree = core.worktrees.get(first!.id)!;
      const secondTree = core.worktrees.get(second!.id)!;
      // Stacked: the second started from the first's branch, and holds its commit.
      expect(secondTree.baseBranch).toBe(firstTree.branch);
      expect(gitIn(repo, ['log', '--format=%s', secondTree.branch])).toMatch(/Note: .*Write the first note/);
      // Nothing of the run is kept in the settings: the preset and stacking are as before.
      expect(core.settings.list(project.id).find((s) => s.key === 'policy.preset')).toMatchObject({ value: 'ask', source: 'default' });
      expect(core.settings.value('scheduler.stacking', project.id)).toBe(false);
      expect(core.scheduler.status(project.id).active).toBe(false);
      // The agents were stopped when the run ended: their sessions ended.
      expect(core.sessions.list({ projectId: project.id }).every((s) => s.endedAt !== null)).toBe(true);
    } finally {
      await core.dispose();
    }
  }, RUN_MS + 30_000);

  it('--approve ask: prints a waiting agent’s question once with the command that answers it, and goes on with the others', async () => {
    const flag = join(tempDir(), 'go');
    // Tried: one agent that asks, with rules that would allow what it asks but a run told to answer
    // nothing, beside a task that finishes only after the question was printed.
    const { repo, dataDir } = await projectWithPlan(ASKING_PLAN, (set) => set('policy.allow', ['Edit', 'Bash']));
    const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    try {
      const project = core.projects.list()[0]!;
      core.tasks.create({
        projectId: project.id,
        title: 'Waits for the flag',
        agentKind: 'custom',
        agentOptions: { command: ['/bin/sh', '-c', `while [ ! -e '${flag}' ]; do sleep 0.1; done`], promptDelivery: 'none' },
      });
    } finally {
      await core.dispose();
    }

    const run = startRun(['--project', repo, '--approve', 'ask', '--data-dir', dataDir]);
    try {
      await waitFor('the question and its answer command', () => /answer with: switchyard answer 1\.1 --project \S+ --allow \| --deny \| --choice N \| --text TEXT/.test(run.output()), {
        timeoutMs: RUN_MS,
        explain: run.output,
      });
      expect(run.output()).toMatch(/1\.1 Asking note asks: permission to use Edit$/m);
      // With the answers it offers, numbered as `--choice N` takes them.
      expect(run.output()).toMatch(/^ {2}choices: 1\) Yes {2}2\) Yes, and don't ask again this session {2}3\) No, and tell Claude what to do differently$/m);
      // The run did not end at the question: the other task goes on and reaches review.
      writeFileSync(flag, '');
      await waitFor('the other task in review', () => /Waits for the flag → review/.test(run.output()), { timeoutMs: RUN_MS, explain: run.output });
      expect(run.child.exitCode).toBeNull();
      expect(run.output().match(/ asks: /g)).toHaveLength(1);

      // Ctrl-C ends it: the waiting agent is stopped with it.
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(run.output()).toMatch(/^needs input: 1\.1 Asking note — permission to use Edit$/m);
      expect(run.output()).toMatch(/the run was stopped: 1 of 2 reached review/);
    } finally {
      run.child.kill('SIGKILL');
    }
    const after = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    try {
      const sessions = after.sessions.list({ projectId: after.projects.list()[0]!.id });
      expect(sessions.map((s) => s.pid).filter((pid): pid is number => pid !== null && isRunning(pid))).toEqual([]);
    } finally {
      await after.dispose();
    }
  }, RUN_MS + 30_000);

  it('--approve ask beside a running serve: each question is printed once with the command that answers it there, and the run exits 0 as on its own core', async () => {
    const { repo, dataDir } = await projectWithPlan(ASKING_PLAN);
    const { child } = await serveCli(dataDir);
    // Tried: the run of the test above, with a serve owning the data folder; every question answered yes from another command.
    const run = startRun(['--project', repo, '--approve', 'ask', '--data-dir', dataDir]);
    try {
      let answered = 0;
      const code = await waitFor(
        'the run to end, each question answered',
        () => {
          const asked = run.output().match(/answer with: switchyard answer 1\.1 --project \S+ --allow/g)?.length ?? 0;
          while (answered < asked) {
            const answer = spawnSync(process.execPath, [cli, 'answer', '1.1', '--project', repo, '--allow', '--data-dir', dataDir], { encoding: 'utf8', env: runEnv() });
            expect(answer.status, answer.stderr).toBe(0);
            answered++;
          }
          return run.child.exitCode !== null ? run.exited : false;
        },
        { timeoutMs: RUN_MS, explain: run.output },
      );
      const out = run.output();
      expect(code, out).toBe(0);
      expect(answered).toBeGreaterThanOrEqual(1);
      expect(out).toMatch(/1\.1 Asking note asks: permission to use Edit$/m);
      // The answers offered come through the serve's control socket too.
      expect(out).toMatch(/^ {2}choices: 1\) Yes {2}2\) Yes, and don't ask again this session {2}3\) No, and tell Claude what to do differently$/m);
      expect(out).toMatch(/the run is over: 1 of 1 reached review/);
      expect(out).toContain(`the run goes on in the Switchyard running for this data folder (pid ${child.pid})`);
      expect(child.exitCode).toBeNull();
    } finally {
      run.child.kill('SIGKILL');
    }
    expect(listTasks(repo, dataDir).map((r) => r.status)).toEqual(['review']);
  }, RUN_MS + 30_000);

  it('--timeout 2s ends a run whose agent waits for an answer with exit 4', async () => {
    const { repo, dataDir } = await projectWithPlan(ASKING_PLAN);
    const started = Date.now();
    const run = startRun(['--project', repo, '--approve', 'ask', '--timeout', '2s', '--data-dir', dataDir]);
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(out).toMatch(/the run timed out: 0 of 1 reached review/);
    // Its agent (asking by then, unless the machine was too busy to get it that far) was stopped
    // with the run: the task is back in Ready, to be started again.
    expect(listTasks(repo, dataDir).map((r) => r.status)).toEqual(['ready']);
  }, RUN_MS);

  it('--until merged merges each task that reaches review, so that its dependent starts from the merged base, and exits 0', async () => {
    const { repo, dataDir } = await projectWithPlan(`# Plan

${DEPENDENT_NOTES}`);
    const run = startRun(['--project', repo, '--approve', 'all', '--until', 'merged', '--data-dir', dataDir]);
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toMatch(/the run is over: 2 of 2 reached merged; 2 done/);
    expect(out.indexOf('1.1 First note → done')).toBeLessThan(out.indexOf('1.2 Second note → running'));
    expect(listTasks(repo, dataDir).map((r) => r.status)).toEqual(['done', 'done']);
    // Both notes are on main, the second written on top of the first: it started from the merged base.
    expect(readFileSync(join(repo, 'fake-agent-notes.md'), 'utf8')).toMatch(/Write the first note[\s\S]*Write the second note/);
    expect(gitIn(repo, ['log', '--format=%s', '--merges', 'main'])).toMatch(/^Merge branch '.+': Second note\nMerge branch '.+': First note$/);
    expect(gitIn(repo, ['status', '--porcelain'])).toBe('');
  }, RUN_MS);

  it('--until merged fails a task whose merge conflicts, with the reason, and leaves the base as the other merge made it', async () => {
    // Tried: two tasks started side by side that both write the same new file; the later merge conflicts.
    const { repo, dataDir } = await projectWithPlan(`# Plan

### 1.1 First note
**Assignee:** Claude Code

\`\`\`
Write the first note
\`\`\`

### 1.2 Other note
**Assignee:** Claude Code

\`\`\`
Write the other note
\`\`\`
`);
    const run = startRun(['--project', repo, '--approve', 'all', '--until', 'merged', '--max', '2', '--data-dir', dataDir]);
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(1);
    const rows = listTasks(repo, dataDir);
    expect(rows.map((r) => r.status).sort()).toEqual(['done', 'failed']);
    const failed = rows.find((r) => r.status === 'failed')!;
    expect(failed.reason).toMatchObject({ kind: 'failed', code: 'CONFLICT' });
    expect(failed.reason!.message).toMatch(/conflicts with main in fake-agent-notes\.md; main was not changed/);
    expect(out).toContain(`failed: ${failed.key} ${failed.title} — CONFLICT`);
    // Main holds the note of the task that landed, and only that one.
    const landed = rows.find((r) => r.status === 'done')!;
    const notes = readFileSync(join(repo, 'fake-agent-notes.md'), 'utf8');
    expect(notes).toContain(landed.title === 'First note' ? 'Write the first note' : 'Write the other note');
    expect(notes).not.toContain(failed.title === 'First note' ? 'Write the first note' : 'Write the other note');
  }, RUN_MS);

  it('--approve policy (the default) answers by the configured rules: the agent asks nothing and the run exits 0', async () => {
    const { repo, dataDir } = await projectWithPlan(ASKING_PLAN, (set) => set('policy.allow', ['Edit', 'Bash']));
    const run = startRun(['--project', repo, '--data-dir', dataDir]);
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    expect(run.output()).not.toMatch(/ asks: /);
    expect(listTasks(repo, dataDir).map((r) => r.status)).toEqual(['review']);
  }, RUN_MS);

  it('exits 2 with one clear line on bad usage, and writes nothing', () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const cases: [string[], RegExp][] = [
      [['--bogus'], /unknown option '--bogus'/],
      [['--timeout', '10'], /"10" is not a duration: write a number and a unit, s, m or h/],
      [['--timeout', '5x'], /"5x" is not a duration/],
      [['--timeout', '0s'], /"0s" is no time at all/],
      [['--approve', 'maybe'], /argument 'maybe' is invalid\. Allowed choices are ask, policy, all/],
      [['--until', 'done'], /argument 'done' is invalid\. Allowed choices are review, merged/],
      [['--max', '0'], /--max is 1–64/],
    ];
    for (const [args, message] of cases) {
      const result = spawnSync(process.execPath, [cli, 'run', '--project', repo, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: runEnv() });
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    // No run was started: not even the database was created.
    expect(existsSync(join(dataDir, 'switchyard.db'))).toBe(false);
    // Without --project the run takes the current folder's repository; a folder outside any
    // repository is refused in one line, naming it.
    const outside = tempDir('switchyard-not-a-repo-');
    const missing = spawnSync(process.execPath, [cli, 'run', '--data-dir', dataDir], { encoding: 'utf8', env: runEnv(), cwd: outside });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/NOT_A_GIT_REPO: .* is not inside a git repository/);

    const help = spawnSync(process.execPath, [cli, 'run', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const line of ['0    every task reached --until', '1    some task failed, is blocked', '2    bad usage', '4    --timeout ran out']) expect(help.stdout).toContain(line);
    expect(help.stdout).toMatch(/--until merged, a task that reaches review is merged into its base branch/);
  });
});
