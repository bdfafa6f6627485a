import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procedures, type ParsedPlan, type PlanImportResult, type Task, type TaskGraph } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';
import { repoRoot, samplePlanPath } from './samplePlans';

type Core = ReturnType<typeof makeCore>;

async function ok<T>(core: Core, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  const schema = procedures[method as keyof typeof procedures].output;
  expect(schema.safeParse(result.output).success, `${method} output fits the contract`).toBe(true);
  return result.output as T;
}

async function fails(core: Core, method: string, input: unknown) {
  const result = await core.dispatch(method, input);
  if (result.ok) throw new Error(`${method} should have failed for ${JSON.stringify(input).slice(0, 200)}`);
  return result.error;
}

async function withProject() {
  const core = makeCore();
  const project = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
  return { core, projectId: project.id };
}

const PHASED = samplePlanPath('000_b2d475505025903d.txt');
const CHECKBOXES = samplePlanPath('003_22bfff5976980d4b.txt');

describe('plans.preview', () => {
  it('shows tasks, edges, phases and warnings of a file and writes nothing', async () => {
    const { core, projectId } = await withProject();
    const plan = await ok<ParsedPlan>(core, 'plans.preview', { projectId, path: PHASED });
    expect(plan.tasks).toHaveLength(15);
    expect(plan.edges).toHaveLength(46);
    expect(plan.phases).toHaveLength(5);
    expect(plan.cycles).toEqual([]);
    // Cursor is an agent like the others: no unknown-agent warning.
    expect(plan.warnings.some((w) => /unknown agent/.test(w.message))).toBe(false);
    expect(await ok<Task[]>(core, 'tasks.list', { projectId })).toEqual([]);
    expect(await ok<unknown[]>(core, 'plans.list', { projectId })).toEqual([]);
  });

  it('shows a cycle in the preview, and plans.import refuses it with CYCLE naming the tasks', async () => {
    const { core, projectId } = await withProject();
    const content = '### Task 1: Alpha\n**Depends On:** 2\n\n### Task 2: Beta\n**Depends On:** 1\n';
    const plan = await ok<ParsedPlan>(core, 'plans.preview', { projectId, content });
    expect(plan.cycles).toEqual([['1', '2', '1']]);
    const error = await fails(core, 'plans.import', { projectId, content });
    expect(error.code).toBe('CYCLE');
    expect(error.message).toMatch(/1 "Alpha" → 2 "Beta" → 1 "Alpha"/);
    expect(error.details?.tasks).toEqual([
      { key: '1', title: 'Alpha' },
      { key: '2', title: 'Beta' },
      { key: '1', title: 'Alpha' },
    ]);
    expect(await ok<Task[]>(core, 'tasks.list', { projectId })).toEqual([]);
  });

  it('refuses what it cannot read: missing files, folders, both or neither source, binary text, a bad project', async () => {
    const { core, projectId } = await withProject();
    const dir = tempDir();
    const tried: [unknown, string][] = [
      [{ projectId, path: join(dir, 'missing.md') }, 'PATH_NOT_FOUND'],
      [{ projectId, path: dir }, 'PATH_NOT_FOUND'],
      [{ projectId, path: PHASED, content: '# x' }, 'BAD_INPUT'],
      [{ projectId }, 'BAD_INPUT'],
      [{ projectId, content: 'a\0b' }, 'BAD_PLAN'],
      [{ projectId, content: '   ' }, 'BAD_PLAN'],
      [{ projectId: 'ghost', path: PHASED }, 'NOT_FOUND'],
    ];
    for (const [input, code] of tried) {
      expect((await fails(core, 'plans.preview', input)).code, JSON.stringify(input)).toBe(code);
      expect((await fails(core, 'plans.import', input)).code, JSON.stringify(input)).toBe(code);
    }
    const big = join(dir, 'big.md');
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024, '- [ ] x\n'));
    expect(await fails(core, 'plans.import', { projectId, path: big })).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'too-large' } });
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, '# Notes\n\nNothing to do here.\n');
    expect(await fails(core, 'plans.import', { projectId, path: notes })).toMatchObject({ code: 'BAD_PLAN', details: { reason: 'no-tasks' } });
    expect(await ok<Task[]>(core, 'tasks.list', { projectId })).toEqual([]);
  });
});

describe('plans.import', () => {
  it('imports the phased plan: tasks with their plan ids, agents, estimates, and the dependency graph', async () => {
    const { core, projectId } = await withProject();
    const result = await ok<PlanImportResult>(core, 'plans.import', { projectId, path: PHASED });
    expect(result).toMatchObject({ created: 15, updated: 0, unchanged: 0, notInPlan: 0, edges: 46 });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    const byKey = Object.fromEntries(tasks.map((t) => [t.planKey, t]));
    expect(tasks.map((t) => t.planKey)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '4.3', '5.1', '5.2', '5.3']);
    expect(byKey['1.3']).toMatchObject({ agentKind: 'codex', estimate: '2-3 hours', complexity: 'Medium', status: 'backlog', planId: result.planId });
    // Cursor is run by its own CLI; the assignee's words are kept beside it.
    expect(byKey['5.2']).toMatchObject({ agentKind: 'cursor', agentLabel: 'Cursor' });
    expect(byKey['1.1']!.prompt.startsWith('Read docs/FEATURE_PARITY.md')).toBe(true);

    const graph = await ok<TaskGraph>(core, 'tasks.graph', { projectId });
    const ready = graph.nodes.filter((n) => n.ready).map((n) => tasks.find((t) => t.id === n.id)!.planKey);
    expect(ready).toEqual(['1.1', '1.2', '1.3']);
    const node = (key: string) => graph.nodes.find((n) => n.id === byKey[key]!.id)!;
    expect(node('3.2').blockedBy.map((id) => tasks.find((t) => t.id === id)!.planKey)).toEqual(['2.3']);
    expect(node('3.2').blocks.map((id) => tasks.find((t) => t.id === id)!.planKey).sort()).toEqual(['4.1', '5.1', '5.2', '5.3']);
    const keyOf = (id: string) => tasks.find((t) => t.id === id)!.planKey;
    // Heaviest chain by estimate: 1.x (5 h) → 2.1 (7) → 2.3 (7) → 3.x (4.5) → 4.1 (9) → 5.1 (7).
    expect(graph.criticalPath.unit).toBe('hours');
    const path = graph.criticalPath.taskIds.map(keyOf);
    expect(path).toHaveLength(6);
    expect(['1.1', '1.2']).toContain(path[0]);
    expect(path.slice(1, 3)).toEqual(['2.2', '2.3']);
    expect(['3.1', '3.2']).toContain(path[3]);
    expect(path.slice(4)).toEqual(['4.1', '5.1']);
    expect(graph.criticalPath.length).toBe(5 + 9 + 7 + 4.5 + 9 + 7);
    const order = graph.order.map(keyOf);
    for (const e of graph.edges) expect(order.indexOf(keyOf(e.dependsOnId))).toBeLessThan(order.indexOf(keyOf(e.taskId)));
    expect(await ok<unknown[]>(core, 'tasks.dependencies', { projectId })).toHaveLength(46);
  });

  it('imports checkbox plans with done tasks as done', async () => {
    const { core, projectId } = await withProject();
    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId, path: CHECKBOXES })).toMatchObject({ created: 32, edges: 0 });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(tasks.filter((t) => t.status === 'done')).toHaveLength(6);
    expect(tasks.every((t) => t.planKey === null)).toBe(true);
    const graph = await ok<TaskGraph>(core, 'tasks.graph', { projectId });
    expect(graph.nodes.filter((n) => n.ready)).toHaveLength(26);
    expect(graph.criticalPath).toMatchObject({ unit: 'tasks', length: 1 });
  });

  it('re-importing updates instead of duplicating, keeps hand-made tasks and edges, and counts what changed', async () => {
    const { core, projectId } = await withProject();
    const dir = tempDir();
    const file = join(dir, 'plan.md');
    copyFileSync(PHASED, file);
    const first = await ok<PlanImportResult>(core, 'plans.import', { projectId, path: file });
    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId, path: file })).toMatchObject({
      planId: first.planId,
      created: 0,
      updated: 0,
      unchanged: 15,
      edges: 46,
    });

    const mine = await ok<Task>(core, 'tasks.create', { projectId, title: 'My own task' });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    const id = (key: string) => tasks.find((t) => t.planKey === key)!.id;
    await ok(core, 'tasks.addDependency', { taskId: mine.id, dependsOnId: id('1.1') });
    await ok(core, 'tasks.update', { id: id('1.2'), patch: { status: 'running' } });

    const text = readFileSync(file, 'utf8')
      .replace('### Task 1.1: Enhanced Settings System', '### Task 1.1: Settings System, Enhanced')
      .replace('### Task 5.3: Docker & Deployment Polish', '### Task 5.4: Release Notes\n**Assignee:** Codex\n**Depends On:** Task 5.1\n\n### Task 5.3: Docker & Deployment Polish')
      .replace(/\n### Task 5\.2: Documentation[\s\S]*?\n---\n/, '\n')
      .replace(/^\| 5\.2 Docs .*\n/m, '');
    writeFileSync(file, text);
    const second = await ok<PlanImportResult>(core, 'plans.import', { projectId, path: file });
    // 1.1 renamed; 5.4 new; 5.2 gone from the plan but kept.
    expect(second).toMatchObject({ planId: first.planId, created: 1, updated: 1, unchanged: 13, notInPlan: 1 });
    const after = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(after).toHaveLength(17);
    expect(after.find((t) => t.planKey === '1.1')!.title).toBe('Settings System, Enhanced');
    expect(after.find((t) => t.planKey === '1.2')!.status).toBe('running');
    expect(after.some((t) => t.title === 'My own task')).toBe(true);
    expect(after.some((t) => t.planKey === '5.2')).toBe(true);
    const edges = await ok<{ taskId: string; dependsOnId: string }[]>(core, 'tasks.dependencies', { projectId });
    expect(edges).toContainEqual({ taskId: mine.id, dependsOnId: id('1.1') });
    const added = after.find((t) => t.planKey === '5.4')!;
    expect(edges.filter((e) => e.taskId === added.id)).toEqual([{ taskId: added.id, dependsOnId: id('5.1') }]);
    // The plan no longer lists 5.2, so its plan edges are gone; the task itself stays.
    expect(edges.filter((e) => e.taskId === id('5.2'))).toEqual([]);
    expect(await ok<unknown[]>(core, 'plans.list', { projectId })).toHaveLength(1);
  });

  it('a task that failed before any agent ran takes the re-imported plan\'s agent; one whose agent ran keeps its own', async () => {
    installFakeClaude(20);
    const { core, projectId } = await withProject();
    const plan = (agent: string) => `# P\n### Task 1: Never ran\n**Assignee:** ${agent}\n\nWrite it.\n\n### Task 2: Ran\n**Assignee:** ${agent}\n\nWrite it.\n`;
    await ok(core, 'plans.import', { projectId, content: plan('Claude Code'), fileName: 'plan.md' });
    const [never, ran] = await ok<Task[]>(core, 'tasks.list', { projectId });
    // Tried: one task's start failed before its agent ran (as with an agent not installed); the other's agent ran, then failed.
    await ok(core, 'tasks.update', { id: never!.id, patch: { status: 'failed' } });
    const session = await core.sessions.start(ran!.id);
    await core.sessions.stop(session.id);
    await waitFor('the agent to end', () => core.sessions.get(session.id).endedAt !== null);
    await ok(core, 'tasks.update', { id: ran!.id, patch: { status: 'failed' } });

    const result = await ok<PlanImportResult>(core, 'plans.import', { projectId, content: plan('Codex'), fileName: 'plan.md' });
    expect(result.updatedTasks).toEqual([{ id: never!.id, key: '1', title: 'Never ran', fields: ['agent'] }]);
    expect(result.keptTasks).toEqual([{ id: ran!.id, key: '2', title: 'Ran', status: 'failed', fields: ['agent'] }]);
    expect((await ok<Task>(core, 'tasks.get', { id: never!.id })).agentKind).toBe('codex');
    expect((await ok<Task>(core, 'tasks.get', { id: ran!.id })).agentKind).toBe('claude-code');
  });

  it("re-importing changes the agent, model, prompt and priority of tasks not started, and says which started tasks kept theirs", async () => {
    const { core, projectId } = await withProject();
    const task = (n: number, title: string, agent: string, priority: string, body: string) =>
      `### Task ${n}: ${title}\n**Assignee:** ${agent}\n**Priority:** ${priority}\n\n${body}\n`;
    const plan = (agents: string[], priority: string, body: string, title = 'Four') =>
      `# P\n${[1, 2, 3, 4].map((n) => task(n, n === 4 ? title : `T${n}`, agents[n - 1]!, priority, body)).join('\n')}`;
    const first = plan(['Claude Code (Opus)', 'Claude Code (Opus)', 'Codex', 'Gemini'], 'Low', 'Write it.');
    await ok(core, 'plans.import', { projectId, content: first, fileName: 'plan.md' });
    const before = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(before.map((t) => [t.planKey, t.agentKind, t.agentOptions, t.priority])).toEqual([
      ['1', 'claude-code', { model: 'opus' }, 'low'],
      ['2', 'claude-code', { model: 'opus' }, 'low'],
      ['3', 'codex', {}, 'low'],
      ['4', 'gemini', {}, 'low'],
    ]);
    const id = (key: string) => before.find((t) => t.planKey === key)!.id;
    await ok(core, 'tasks.update', { id: id('2'), patch: { status: 'ready' } });
    await ok(core, 'tasks.update', { id: id('3'), patch: { status: 'running' } });
    await ok(core, 'tasks.update', { id: id('4'), patch: { status: 'done' } });

    const second = plan(['Claude Code (Sonnet)', 'Codex (GPT-5)', 'Claude Code (Opus)', 'Codex'], 'High', 'Write it twice.', 'Four, renamed');
    const result = await ok<PlanImportResult>(core, 'plans.import', { projectId, content: second, fileName: 'plan.md' });
    expect(result).toMatchObject({ created: 0, updated: 3, unchanged: 1 });
    expect(result.updatedTasks).toEqual([
      { id: id('1'), key: '1', title: 'T1', fields: ['prompt', 'priority', 'agent', 'model'] },
      { id: id('2'), key: '2', title: 'T2', fields: ['prompt', 'priority', 'agent', 'model'] },
      { id: id('4'), key: '4', title: 'Four, renamed', fields: ['title'] },
    ]);
    expect(result.keptTasks).toEqual([
      { id: id('3'), key: '3', title: 'T3', status: 'running', fields: ['prompt', 'priority', 'agent', 'model'] },
      { id: id('4'), key: '4', title: 'Four, renamed', status: 'done', fields: ['prompt', 'priority', 'agent'] },
    ]);
    const after = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(after.map((t) => [t.planKey, t.title, t.status, t.agentKind, t.agentOptions, t.priority, t.prompt.includes('twice')])).toEqual([
      ['1', 'T1', 'backlog', 'claude-code', { model: 'sonnet' }, 'high', true],
      ['2', 'T2', 'ready', 'codex', { model: 'gpt-5' }, 'high', true],
      ['3', 'T3', 'running', 'codex', {}, 'low', false],
      ['4', 'Four, renamed', 'done', 'gemini', {}, 'low', false],
    ]);

    // A plan naming the agent without a model goes back to the agent's default (the assignee's words changed too);
    // the same plan again changes nothing.
    const third = plan(['Claude Code', 'Codex (GPT-5)', 'Claude Code (Opus)', 'Codex'], 'High', 'Write it twice.', 'Four, renamed');
    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId, content: third, fileName: 'plan.md' })).toMatchObject({
      updated: 1,
      updatedTasks: [{ key: '1', fields: ['agent', 'model'] }],
    });
    expect((await ok<Task>(core, 'tasks.get', { id: id('1') })).agentOptions).toEqual({});
    const again = await ok<PlanImportResult>(core, 'plans.import', { projectId, content: third, fileName: 'plan.md' });
    expect(again).toMatchObject({ updated: 0, unchanged: 4, updatedTasks: [] });
    expect(again.keptTasks.map((t) => t.key)).toEqual(['3', '4']);
  });

  it('refuses a re-import whose edges close a loop with an edge made on the board, and changes nothing', async () => {
    const { core, projectId } = await withProject();
    const content = '## Tasks\n- [ ] T1 Alpha\n- [ ] T2 Beta (depends on T1)\n';
    await ok(core, 'plans.import', { projectId, content, fileName: 'small.md' });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    const [alpha, beta] = tasks;
    await ok(core, 'tasks.removeDependency', { taskId: beta!.id, dependsOnId: alpha!.id });
    await ok(core, 'tasks.addDependency', { taskId: alpha!.id, dependsOnId: beta!.id });
    const error = await fails(core, 'plans.import', { projectId, content, fileName: 'small.md' });
    expect(error.code).toBe('CYCLE');
    expect(error.message).toMatch(/Alpha|Beta/);
    expect(await ok<unknown[]>(core, 'tasks.dependencies', { projectId })).toEqual([{ taskId: alpha!.id, dependsOnId: beta!.id }]);
  });

  it('matches a dropped file by its name on re-import', async () => {
    const { core, projectId } = await withProject();
    const content = '## Tasks\n- [ ] Alpha\n- [ ] Beta\n';
    await ok(core, 'plans.import', { projectId, content, fileName: 'todo.md' });
    const again = await ok<PlanImportResult>(core, 'plans.import', { projectId, content: `${content}- [x] Gamma\n`, fileName: 'todo.md' });
    expect(again).toMatchObject({ created: 1, unchanged: 2 });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(tasks.map((t) => [t.title, t.status])).toEqual([['Alpha', 'backlog'], ['Beta', 'backlog'], ['Gamma', 'done']]);
  });

  it('stores steps under their task; deleting the parent keeps the steps', async () => {
    const { core, projectId } = await withProject();
    mkdirSync(join(tempDir(), 'x'), { recursive: true });
    const content = '## Task 3: Auth\n**Assignee:** Codex\n\n1. Users table\n   Validation: tests pass\n2. Login\n   Validation: token returned\n';
    await ok(core, 'plans.import', { projectId, content });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    const parent = tasks.find((t) => t.planKey === '3')!;
    expect(tasks.filter((t) => t.parentId === parent.id).map((t) => t.planKey)).toEqual(['3.1', '3.2']);
    await ok(core, 'tasks.delete', { id: parent.id });
    const left = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(left.map((t) => [t.planKey, t.parentId])).toEqual([['3.1', null], ['3.2', null]]);
  });
});

describe('what a plan means, stored', () => {
  it("stores a task's steps with their done state, its acceptance and its optional mark; the derived edges are the import's edges", async () => {
    const { core, projectId } = await withProject();
    const path = join(repoRoot, 'tests', 'plans', 'fixtures', 'critical-path-plan.md');
    const plan = await ok<ParsedPlan>(core, 'plans.preview', { projectId, path });
    expect(plan.derived).toHaveLength(2);
    const result = await ok<PlanImportResult>(core, 'plans.import', { projectId, path });
    expect(result.edges).toBe(plan.edges.length);
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    const loader = tasks.find((t) => t.planKey === '1.2')!;
    expect(loader.steps.map((step) => [step.text, step.done])).toEqual([
      ['Read `config.toml`', true],
      ['Merge environment variables', false],
      ['Report unknown keys', false],
    ]);
    expect(loader.acceptance).toEqual(['`pytest tests/test_config.py` passes']);
    expect(loader.prompt).toContain('Validation:\n- `pytest tests/test_config.py` passes');
    const graph = await ok<TaskGraph>(core, 'tasks.graph', { projectId });
    const publish = tasks.find((t) => t.planKey === '3.1')!;
    expect(graph.edges.filter((e) => e.taskId === publish.id)).toHaveLength(2);

    const kiro = await ok<PlanImportResult>(core, 'plans.import', { projectId, path: join(repoRoot, 'tests', 'plans', 'fixtures', 'kiro-tasks.md') });
    expect(kiro.created).toBe(9);
    const all = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(all.filter((t) => t.optional).map((t) => t.title)).toEqual(['Write unit tests for the User model', 'Write integration tests for the repository']);
  });

  it('flags in the preview the tasks whose agent is not installed here, by the same lookup a start does', async () => {
    const { core, projectId } = await withProject();
    const bin = tempDir();
    const codex = join(bin, 'codex');
    writeFileSync(codex, '#!/bin/sh\nexit 0\n');
    chmodSync(codex, 0o755);
    await ok(core, 'settings.set', { key: 'agents.codexPath', value: codex, scope: 'user' });
    const saved = { PATH: process.env.PATH, HOME: process.env.HOME };
    // Nothing else to be found: an empty PATH, and a home folder without ~/.local/bin.
    process.env.PATH = tempDir();
    process.env.HOME = tempDir();
    try {
      const content = '# P\n### Task 1: One\n**Assignee:** Codex\n\n### Task 2: Two\n**Assignee:** Aider\n\n### Task 3: Three\n**Assignee:** Codex\n';
      const plan = await ok<ParsedPlan>(core, 'plans.preview', { projectId, content });
      expect(plan.missingAgents).toEqual(['aider']);
      expect(plan.warnings.map((w) => w.message)).toContain('Aider is not installed here: 2 cannot start until it is (or choose another agent)');
      const edited = await ok<ParsedPlan>(core, 'plans.preview', { projectId, content, edits: { tasks: { '2': { agent: 'codex' } } } });
      expect(edited.missingAgents).toEqual([]);
    } finally {
      process.env.PATH = saved.PATH;
      process.env.HOME = saved.HOME;
    }
  });

  it('"run phases in order" and a dropped derived order reach the import', async () => {
    const { core, projectId } = await withProject();
    const content = '# P\n## Phase 1: A\n- [ ] 1.1 One\n## Phase 2: B\n- [ ] 2.1 Two\n## Phase 3: C\n- [ ] 3.1 Three\n';
    const plain = await ok<ParsedPlan>(core, 'plans.preview', { projectId, content });
    expect(plain.unorderedPhases).toBe(true);
    const edits = { phasesInOrder: true, dropDerived: ['Phase 2: B→Phase 3: C'] };
    const ordered = await ok<ParsedPlan>(core, 'plans.preview', { projectId, content, edits });
    expect(ordered.edges).toEqual([{ task: '2.1', dependsOn: '1.1' }]);
    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId, content, edits })).toMatchObject({ created: 3, edges: 1 });
  });
});

describe('edits made in the preview', () => {
  it('leave tasks out, correct fields and dependencies; the preview shows a loop they make; the import writes them', async () => {
    const { core, projectId } = await withProject();
    const edits = {
      exclude: ['5.2', '5.3'],
      tasks: { '5.1': { agent: 'gemini', title: 'Tests' }, '1.1': { dependsOn: ['4.1'] } },
    };
    const looped = await ok<ParsedPlan>(core, 'plans.preview', { projectId, path: PHASED, edits });
    expect(looped.tasks.map((t) => t.key)).not.toContain('5.2');
    expect(looped.cycles).toHaveLength(1);
    expect(looped.cycles[0]).toContain('1.1');
    expect((await fails(core, 'plans.import', { projectId, path: PHASED, edits })).code).toBe('CYCLE');

    const fixed = { ...edits, tasks: { ...edits.tasks, '1.1': { dependsOn: ['1.3', '9.9'] } } };
    const plan = await ok<ParsedPlan>(core, 'plans.preview', { projectId, path: PHASED, edits: fixed });
    expect(plan.cycles).toEqual([]);
    expect(plan.tasks.find((t) => t.key === '1.1')!.dependsOn).toEqual(['1.3']);
    expect(plan.warnings.some((w) => /1\.1 depend on 9\.9, which is not imported/.test(w.message))).toBe(true);
    expect(plan.phases.find((p) => p.number === 5)!.taskCount).toBe(1);

    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId, path: PHASED, edits: fixed })).toMatchObject({ created: 13, edges: 46 - 18 + 1 });
    const tasks = await ok<Task[]>(core, 'tasks.list', { projectId });
    expect(tasks.find((t) => t.planKey === '5.1')).toMatchObject({ title: 'Tests', agentKind: 'gemini' });
    expect(tasks.some((t) => t.planKey === '5.2')).toBe(false);
    expect((await fails(core, 'plans.preview', { projectId, path: PHASED, edits: { tasks: { '1.1': { agent: 'devin' } } } })).code).toBe('BAD_INPUT');
  });
});

describe('plans and projects', () => {
  it('removing a project with an imported plan removes its plans, tasks and edges', async () => {
    const { core, projectId } = await withProject();
    await ok(core, 'plans.import', { projectId, path: PHASED });
    await ok(core, 'projects.remove', { id: projectId });
    expect(await ok<unknown[]>(core, 'projects.list', {})).toEqual([]);
    const again = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    expect(await ok<PlanImportResult>(core, 'plans.import', { projectId: again.id, path: PHASED })).toMatchObject({ created: 15 });
  });
});

describe('task dependencies through the dispatcher', () => {
  it('adds, lists and removes edges; refuses a loop with CYCLE naming the tasks; deleting a task drops its edges', async () => {
    const { core, projectId } = await withProject();
    const make = (title: string) => ok<Task>(core, 'tasks.create', { projectId, title });
    const a = await make('A');
    const b = await make('B');
    const c = await make('C');
    await ok(core, 'tasks.addDependency', { taskId: b.id, dependsOnId: a.id });
    await ok(core, 'tasks.addDependency', { taskId: c.id, dependsOnId: b.id });
    const loop = await fails(core, 'tasks.addDependency', { taskId: a.id, dependsOnId: c.id });
    expect(loop.code).toBe('CYCLE');
    expect(loop.details?.tasks).toEqual([
      { id: a.id, title: 'A' },
      { id: c.id, title: 'C' },
      { id: b.id, title: 'B' },
      { id: a.id, title: 'A' },
    ]);
    expect((await fails(core, 'tasks.addDependency', { taskId: a.id, dependsOnId: a.id })).code).toBe('CYCLE');
    expect((await fails(core, 'tasks.addDependency', { taskId: a.id, dependsOnId: 'ghost' })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'tasks.addDependency', { taskId: a.id })).code).toBe('BAD_INPUT');

    let graph = await ok<TaskGraph>(core, 'tasks.graph', { projectId });
    expect(graph.nodes.map((n) => [n.id, n.ready])).toEqual([[a.id, true], [b.id, false], [c.id, false]]);
    await ok(core, 'tasks.update', { id: a.id, patch: { status: 'done' } });
    graph = await ok<TaskGraph>(core, 'tasks.graph', { projectId });
    expect(graph.nodes.map((n) => n.ready)).toEqual([false, true, false]);

    expect(await ok(core, 'tasks.removeDependency', { taskId: c.id, dependsOnId: b.id })).toEqual({ removed: true });
    expect(await ok(core, 'tasks.removeDependency', { taskId: c.id, dependsOnId: b.id })).toEqual({ removed: false });
    await ok(core, 'tasks.delete', { id: a.id });
    expect(await ok(core, 'tasks.dependencies', { projectId })).toEqual([]);
  });

  it('keeps steps a tree: a task cannot become a step of its own step; a parent comes from the same project', async () => {
    const { core, projectId } = await withProject();
    const parent = await ok<Task>(core, 'tasks.create', { projectId, title: 'parent' });
    const child = await ok<Task>(core, 'tasks.create', { projectId, title: 'child', parentId: parent.id });
    expect(child.parentId).toBe(parent.id);
    expect((await fails(core, 'tasks.update', { id: parent.id, patch: { parentId: child.id } })).code).toBe('CYCLE');
    expect((await fails(core, 'tasks.update', { id: parent.id, patch: { parentId: parent.id } })).code).toBe('CYCLE');
    const other = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    const stranger = await ok<Task>(core, 'tasks.create', { projectId: other.id, title: 'stranger' });
    expect((await fails(core, 'tasks.create', { projectId, title: 'x', parentId: stranger.id })).code).toBe('BAD_INPUT');
    expect((await fails(core, 'tasks.create', { projectId, title: 'x', parentId: 'ghost' })).code).toBe('NOT_FOUND');
    expect((await ok<Task>(core, 'tasks.get', { id: parent.id })).parentId).toBeNull();
  });

  it('refuses an edge between two projects', async () => {
    const { core, projectId } = await withProject();
    const other = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    const a = await ok<Task>(core, 'tasks.create', { projectId, title: 'here' });
    const b = await ok<Task>(core, 'tasks.create', { projectId: other.id, title: 'there' });
    expect((await fails(core, 'tasks.addDependency', { taskId: a.id, dependsOnId: b.id })).code).toBe('BAD_INPUT');
  });
});
