import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { repoRoot, samplePlanPath } from './samplePlans';

/** Runs the real CLI entry point, as `switchyard …` would, with its own data folder. */
function switchyard(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'electron', 'cli.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, SWITCHYARD_DATA_DIR: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A test that runs the CLI four times: each run starts Node and TypeScript, seconds apiece on a busy machine. */
const CLI_RUNS_TIMEOUT_MS = 180_000;

interface PlanOutput {
  format: string;
  tasks: { key: string; title: string; phase: string | null; agent: string | null; model: string | null; priority: string; done: boolean; dependsOn: string[]; prompt: string }[];
  warnings: { line?: number; message: string }[];
}

describe('switchyard import-plan and tasks', () => {
  it('--dry-run --json prints the plan as the preview reads it, and writes nothing', () => {
    const dataDir = tempDir();
    const repo = makeRepo();
    const run = switchyard(['import-plan', samplePlanPath('000_b2d475505025903d.txt'), '--project', repo, '--dry-run', '--json', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as PlanOutput;
    expect(Object.keys(out)).toEqual(['format', 'tasks', 'derived', 'cycles', 'warnings', 'title', 'phases']);
    expect(out.tasks).toHaveLength(15);
    expect(Object.keys(out.tasks[0]!)).toEqual([
      'key', 'title', 'phase', 'agent', 'model', 'priority', 'done', 'optional', 'parent', 'dependsOn', 'steps', 'acceptance', 'prompt', 'parallel', 'story',
    ]);
    expect(out.tasks.find((t) => t.key === '2.3')).toMatchObject({
      title: 'Enhanced Cache Manager',
      phase: 'PHASE 2: Core Systems (Week 2)',
      agent: 'claude-code',
      priority: 'normal',
      done: false,
      dependsOn: ['1.1', '1.2', '2.1', '2.2'],
    });
    // "Claude Code (Opus)" runs Claude Code with its model flag; "Cursor (Fast model)" is Cursor's agent.
    expect(out.tasks.find((t) => t.key === '2.3')).toMatchObject({ agent: 'claude-code', model: 'opus' });
    expect(out.tasks.find((t) => t.key === '5.3')).toMatchObject({ agent: 'cursor', model: null });
    expect(out).toMatchObject({ format: 'markdown', derived: [], cycles: [] });
    const list = switchyard(['tasks', '--project', repo, '--data-dir', dataDir]);
    expect(list.code).not.toBe(0);
    expect(list.stderr.trim()).toMatch(/^switchyard: NOT_FOUND: .* is not a Switchyard project/);
  });

  it('--dry-run --json prints a plan with a loop, its tasks and cycles, and exits non-zero', () => {
    const dir = tempDir();
    const loop = join(dir, 'loop.md');
    writeFileSync(loop, '# Loop\n## Phase 1: Build\n- [ ] 1.1 Compile (depends on 2.1)\n## Phase 2: Ship\n- [ ] 2.1 Upload\n\nPhase 2 depends on Phase 1.\n');
    const run = switchyard(['import-plan', loop, '--dry-run', '--json']);
    expect(run.code).not.toBe(0);
    const out = JSON.parse(run.stdout) as PlanOutput & { cycles: string[][]; derived: { from: string; to: string; because: string }[] };
    expect(out.tasks.map((t) => [t.key, t.dependsOn])).toEqual([
      ['1.1', ['2.1']],
      ['2.1', ['1.1']],
    ]);
    expect(out.derived).toEqual([{ from: 'Phase 1: Build', to: 'Phase 2: Ship', because: 'Phase 2 depends on Phase 1.' }]);
    expect(out.cycles).toEqual([['1.1', '2.1', '1.1']]);
    expect(run.stderr.trim()).toMatch(/^switchyard: CYCLE: the plan's dependencies loop: 1\.1 "Compile" → 2\.1 "Upload" → 1\.1 "Compile"$/);
  });

  it('imports into the repository (adding it as a project), then lists the tasks with status and dependencies', () => {
    const dataDir = tempDir();
    const repo = makeRepo();
    const imported = switchyard(['import-plan', samplePlanPath('003_22bfff5976980d4b.txt'), '--project', repo, '--data-dir', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/CC-Orchestrator Implementation Plan \(markdown plan\): 32 tasks, 0 dependencies, 6 phases/);
    expect(imported.stdout).toMatch(/32 created, 0 updated, 0 unchanged/);
    const again = switchyard(['import-plan', samplePlanPath('003_22bfff5976980d4b.txt'), '--project', repo, '--data-dir', dataDir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 created, 0 updated, 32 unchanged/);
    const list = switchyard(['tasks', '--project', repo, '--json', '--data-dir', dataDir]);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as { title: string; status: string; ready: boolean; dependsOn: string[] }[];
    expect(rows).toHaveLength(32);
    expect(rows[0]).toMatchObject({ title: 'Project setup (pyproject.toml, dependencies, tooling) - Issue #7', status: 'done', ready: false });
    expect(rows[6]).toMatchObject({ title: 'Git worktree creation/cleanup automation', status: 'backlog', ready: true, dependsOn: [] });
    const text = switchyard(['tasks', '--project', repo, '--data-dir', dataDir]);
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(32);
  }, CLI_RUNS_TIMEOUT_MS);

  it('says on a re-import which started tasks kept the agent they run with', async () => {
    const dataDir = tempDir();
    const repo = makeRepo();
    const plan = join(tempDir(), 'plan.md');
    writeFileSync(plan, '# P\n### Task 1: One\n**Assignee:** Codex\n\n### Task 2: Two\n**Assignee:** Codex\n');
    expect(switchyard(['import-plan', plan, '--project', repo, '--data-dir', dataDir]).code).toBe(0);
    const core = makeCore(dataDir);
    const [project] = core.projects.list();
    const one = core.tasks.list(project!.id).find((t) => t.planKey === '1')!;
    const moved = await core.dispatch('tasks.update', { id: one.id, patch: { status: 'running' } });
    expect(moved.ok).toBe(true);
    await core.dispose();
    writeFileSync(plan, '# P\n### Task 1: One\n**Assignee:** Gemini\n\n### Task 2: Two\n**Assignee:** Gemini\n');
    const again = switchyard(['import-plan', plan, '--project', repo, '--data-dir', dataDir]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 created, 1 updated, 1 unchanged, 0 dependencies; 1 task already started kept the agent, model, prompt, priority and acceptance they started with \(1\)$/m);
  }, CLI_RUNS_TIMEOUT_MS);

  it('fails with one line and a non-zero code: missing file, binary file, a cycle, a folder that is no repository', () => {
    const dataDir = tempDir();
    const repo = makeRepo();
    const dir = tempDir();
    const binary = join(dir, 'plan.bin');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1]));
    const cyclic = join(dir, 'cycle.md');
    writeFileSync(cyclic, '### Task 1: A\n**Depends On:** 2\n\n### Task 2: B\n**Depends On:** 1\n');
    const cases: [string[], RegExp][] = [
      [['import-plan', join(dir, 'missing.md'), '--project', repo], /^switchyard: PATH_NOT_FOUND: no such file/],
      [['import-plan', binary, '--project', repo], /^switchyard: BAD_PLAN: the plan is a binary file/],
      [['import-plan', cyclic, '--project', repo], /^switchyard: CYCLE: the plan's dependencies loop: 1 "A" → 2 "B" → 1 "A"$/],
      [['import-plan', samplePlanPath('003_22bfff5976980d4b.txt'), '--project', dir], /^switchyard: NOT_A_GIT_REPO: /],
    ];
    for (const [args, message] of cases) {
      const run = switchyard([...args, '--data-dir', dataDir]);
      expect(run.code, args.join(' ')).not.toBe(0);
      const lines = run.stderr.trim().split('\n');
      expect(lines, run.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  }, CLI_RUNS_TIMEOUT_MS);
});
