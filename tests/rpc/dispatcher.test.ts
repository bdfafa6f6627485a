import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_DEPTH } from '../../electron/core/rpc/dispatcher';
import { procedures } from '../../shared/contract';
import { MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../../shared/constants';
import { makeCore } from '../helpers/core';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';

type Core = ReturnType<typeof makeCore>;

async function ok<T = unknown>(core: Core, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  return result.output as T;
}

async function fails(core: Core, method: string, input: unknown) {
  const result = await core.dispatch(method, input);
  expect(result.ok, `${method} should fail for ${JSON.stringify(input)?.slice(0, 200)}`).toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

function tableCounts(core: Core) {
  return {
    projects: core.projects.list().length,
    tasks: core.projects.list().reduce((n, p) => n + core.tasks.list(p.id).length, 0),
  };
}

describe('projects through the dispatcher', () => {
  it('adds a repository by any path inside it, lists it and removes it', async () => {
    const core = makeCore();
    const repo = makeRepo();
    mkdirSync(join(repo, 'src'));
    const project = await ok<{ id: string; path: string; name: string; baseBranch: string }>(core, 'projects.add', {
      path: join(repo, 'src'),
    });
    expect(project.baseBranch).toBe('main');
    expect(project.path.endsWith(repo.split('/').pop()!)).toBe(true);
    expect(await ok(core, 'projects.list', {})).toEqual([project]);
    expect(await ok(core, 'projects.remove', { id: project.id })).toEqual({ id: project.id });
    expect(await ok(core, 'projects.list', {})).toEqual([]);
  });

  it('takes the current branch as the base, also in a repository with no commits', async () => {
    const core = makeCore();
    const empty = makeRepo({ branch: 'trunk', files: {} });
    const project = await ok<{ baseBranch: string }>(core, 'projects.add', { path: empty });
    expect(project.baseBranch).toBe('trunk');
  });

  it('refuses a folder that is not a repository with NOT_A_GIT_REPO, and writes nothing', async () => {
    const core = makeCore();
    const plain = tempDir();
    expect((await fails(core, 'projects.add', { path: plain })).code).toBe('NOT_A_GIT_REPO');
    const file = join(plain, 'file.txt');
    writeFileSync(file, 'x');
    expect((await fails(core, 'projects.add', { path: file })).code).toBe('NOT_A_GIT_REPO');
    expect(tableCounts(core)).toEqual({ projects: 0, tasks: 0 });
  });

  it('refuses a bare repository: it has no working tree', async () => {
    const core = makeCore();
    const bare = tempDir();
    gitIn(bare, ['init', '-q', '--bare']);
    const error = await fails(core, 'projects.add', { path: bare });
    expect(error.code).toBe('NOT_A_GIT_REPO');
    expect(error.message).toMatch(/bare/);
  });

  it('refuses a path that does not exist with PATH_NOT_FOUND', async () => {
    const core = makeCore();
    const error = await fails(core, 'projects.add', { path: join(tempDir(), 'nope', 'missing') });
    expect(error.code).toBe('PATH_NOT_FOUND');
  });

  it('refuses the same repository twice with ALREADY_EXISTS', async () => {
    const core = makeCore();
    const repo = makeRepo();
    await ok(core, 'projects.add', { path: repo });
    expect((await fails(core, 'projects.add', { path: repo })).code).toBe('ALREADY_EXISTS');
    expect(tableCounts(core).projects).toBe(1);
  });

  it('refuses malformed input to projects.* with BAD_INPUT', async () => {
    const core = makeCore();
    const tried: [string, unknown][] = [
      ['projects.add', {}],
      ['projects.add', { path: 42 }],
      ['projects.add', { path: '' }],
      ['projects.add', { path: 'a\0b' }],
      ['projects.add', { path: 'x'.repeat(5000) }],
      ['projects.add', { path: '/tmp', extra: true }],
      ['projects.add', 'not an object'],
      ['projects.list', { unexpected: 1 }],
      ['projects.remove', { id: 7 }],
    ];
    for (const [method, input] of tried) expect((await fails(core, method, input)).code).toBe('BAD_INPUT');
    expect(tableCounts(core)).toEqual({ projects: 0, tasks: 0 });
  });

  it('says NOT_FOUND for a project id that does not exist', async () => {
    const core = makeCore();
    expect((await fails(core, 'projects.remove', { id: 'missing' })).code).toBe('NOT_FOUND');
  });
});

describe('tasks through the dispatcher', () => {
  async function withProject() {
    const core = makeCore();
    const project = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    return { core, projectId: project.id };
  }

  it('creates tasks with defaults, in order, and gets, updates, lists and deletes them', async () => {
    const { core, projectId } = await withProject();
    const a = await ok<Record<string, unknown>>(core, 'tasks.create', { projectId, title: 'First' });
    const b = await ok<Record<string, unknown>>(core, 'tasks.create', {
      projectId,
      title: 'Second',
      prompt: 'Do **it**',
      priority: 'high',
      agentKind: 'codex',
      status: 'ready',
    });
    expect(a).toMatchObject({ title: 'First', prompt: '', status: 'backlog', priority: 'normal', agentKind: 'claude-code', phase: null });
    expect(b).toMatchObject({ status: 'ready', priority: 'high', agentKind: 'codex' });
    expect(b.order as number).toBeGreaterThan(a.order as number);
    expect(await ok(core, 'tasks.get', { id: a.id })).toEqual(a);

    const updated = await ok<Record<string, unknown>>(core, 'tasks.update', {
      id: a.id,
      patch: { title: 'First, renamed', status: 'review', phase: 'Phase 1' },
    });
    expect(updated).toMatchObject({ title: 'First, renamed', status: 'review', phase: 'Phase 1', prompt: '' });
    const listed = await ok<{ id: string }[]>(core, 'tasks.list', { projectId });
    expect(listed.map((t) => t.id)).toEqual([a.id, b.id]);

    await ok(core, 'tasks.delete', { id: a.id });
    expect((await fails(core, 'tasks.get', { id: a.id })).code).toBe('NOT_FOUND');
    expect((await ok<unknown[]>(core, 'tasks.list', { projectId })).length).toBe(1);
  });

  it('uses the effective default agent: the project override over the user setting', async () => {
    const { core, projectId } = await withProject();
    await ok(core, 'settings.set', { key: 'agents.defaultKind', value: 'gemini', scope: 'user' });
    expect((await ok<{ agentKind: string }>(core, 'tasks.create', { projectId, title: 't' })).agentKind).toBe('gemini');
    await ok(core, 'settings.set', { key: 'agents.defaultKind', value: 'aider', scope: 'project', projectId });
    expect((await ok<{ agentKind: string }>(core, 'tasks.create', { projectId, title: 't' })).agentKind).toBe('aider');
  });

  it('refuses bad task input with BAD_INPUT and writes nothing', async () => {
    const { core, projectId } = await withProject();
    const tried: [string, unknown][] = [
      ['tasks.create', { projectId }],
      ['tasks.create', { projectId, title: '   ' }],
      ['tasks.create', { projectId, title: 'x'.repeat(MAX_TITLE_LENGTH + 1) }],
      ['tasks.create', { projectId, title: 'ok', prompt: 'p'.repeat(MAX_PROMPT_LENGTH + 1) }],
      ['tasks.create', { projectId, title: 'ok', status: 'flying' }],
      ['tasks.create', { projectId, title: 'ok', priority: 9 }],
      ['tasks.create', { projectId, title: 'ok', agentKind: 'skynet' }],
      ['tasks.create', { projectId, title: ['array'] }],
      ['tasks.create', null],
      ['tasks.update', { id: 'x', patch: { status: 'nope' } }],
      ['tasks.update', { id: 'x', patch: { projectId: 'other' } }],
      ['tasks.update', { id: 'x', patch: { order: Number.NaN } }],
      ['tasks.list', {}],
      ['tasks.get', { id: '' }],
      ['tasks.delete', { id: 'y'.repeat(65) }],
    ];
    for (const [method, input] of tried) {
      const error = await fails(core, method, input);
      expect(error.code, `${method} ${JSON.stringify(input)?.slice(0, 80)}`).toBe('BAD_INPUT');
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(tableCounts(core).tasks).toBe(0);
  });

  it('says NOT_FOUND for a task of a project that does not exist, and for a missing task', async () => {
    const { core } = await withProject();
    expect((await fails(core, 'tasks.create', { projectId: 'ghost', title: 'x' })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'tasks.update', { id: 'ghost', patch: { title: 'x' } })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'tasks.delete', { id: 'ghost' })).code).toBe('NOT_FOUND');
    expect((await fails(core, 'tasks.list', { projectId: 'ghost' })).code).toBe('NOT_FOUND');
    expect(tableCounts(core).tasks).toBe(0);
  });

  it('removing a project removes its tasks and settings, not the repository', async () => {
    const { core, projectId } = await withProject();
    await ok(core, 'tasks.create', { projectId, title: 'doomed' });
    await ok(core, 'settings.set', { key: 'scheduler.maxConcurrent', value: 2, scope: 'project', projectId });
    const path = core.projects.get(projectId).path;
    await ok(core, 'projects.remove', { id: projectId });
    expect(tableCounts(core)).toEqual({ projects: 0, tasks: 0 });
    expect(gitIn(path, ['rev-parse', '--is-inside-work-tree'])).toBe('true');
    const again = await ok<{ id: string }>(core, 'projects.add', { path });
    const setting = (await ok<{ key: string; source: string }[]>(core, 'settings.get', { projectId: again.id })).find(
      (s) => s.key === 'scheduler.maxConcurrent',
    );
    expect(setting?.source).toBe('default');
  });
});

describe('settings through the dispatcher', () => {
  it('reports each effective value with its source, and resets back to the default', async () => {
    const core = makeCore();
    const { id: projectId } = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    const find = (list: { key: string }[], key: string) => list.find((s) => s.key === key) as Record<string, unknown>;

    let all = await ok<{ key: string }[]>(core, 'settings.get', {});
    expect(find(all, 'scheduler.maxConcurrent')).toMatchObject({ value: 4, source: 'default' });

    await ok(core, 'settings.set', { key: 'scheduler.maxConcurrent', value: 8, scope: 'user' });
    all = await ok(core, 'settings.get', { projectId });
    expect(find(all, 'scheduler.maxConcurrent')).toMatchObject({ value: 8, source: 'user', userValue: 8 });

    await ok(core, 'settings.set', { key: 'scheduler.maxConcurrent', value: 2, scope: 'project', projectId });
    all = await ok(core, 'settings.get', { projectId });
    expect(find(all, 'scheduler.maxConcurrent')).toMatchObject({ value: 2, source: 'project', userValue: 8, projectValue: 2 });
    // Another view without the project sees the user's value.
    expect(find(await ok(core, 'settings.get', {}), 'scheduler.maxConcurrent')).toMatchObject({ value: 8 });

    await ok(core, 'settings.reset', { key: 'scheduler.maxConcurrent', scope: 'project', projectId });
    expect(find(await ok(core, 'settings.get', { projectId }), 'scheduler.maxConcurrent')).toMatchObject({ value: 8, source: 'user' });
    await ok(core, 'settings.reset', { key: 'scheduler.maxConcurrent', scope: 'user' });
    expect(find(await ok(core, 'settings.get', { projectId }), 'scheduler.maxConcurrent')).toMatchObject({ value: 4, source: 'default' });
  });

  it('refuses values that do not fit, unknown keys and the wrong scope with BAD_INPUT', async () => {
    const core = makeCore();
    const { id: projectId } = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    const tried: unknown[] = [
      { key: 'scheduler.maxConcurrent', value: 0, scope: 'user' },
      { key: 'scheduler.maxConcurrent', value: '4', scope: 'user' },
      { key: 'scheduler.maxConcurrent', value: 2.5, scope: 'user' },
      { key: 'no.such.key', value: 1, scope: 'user' },
      { key: 'cache.maxSizeMb', value: 100, scope: 'project', projectId },
      { key: 'ui.theme', value: 'neon', scope: 'user' },
      { key: 'scheduler.maxConcurrent', value: 2, scope: 'project' },
      { key: 'scheduler.maxConcurrent', value: 2, scope: 'user', projectId },
      { key: 'scheduler.maxConcurrent', value: 2, scope: 'galaxy' },
    ];
    for (const input of tried) expect((await fails(core, 'settings.set', input)).code).toBe('BAD_INPUT');
    const all = await ok<{ source: string }[]>(core, 'settings.get', { projectId });
    expect(all.every((s) => s.source === 'default')).toBe(true);
  });
});

describe('the dispatcher itself', () => {
  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const core = makeCore();
    expect((await fails(core, 'projects.destroyEverything', {})).code).toBe('UNKNOWN_METHOD');
    expect((await fails(core, '__proto__', {})).code).toBe('UNKNOWN_METHOD');
    expect((await fails(core, 'constructor', {})).code).toBe('UNKNOWN_METHOD');
  });

  it('answers app.info', async () => {
    const core = makeCore();
    const info = await ok<{ name: string; mode: string; dataDir: string }>(core, 'app.info', {});
    expect(info).toMatchObject({ name: 'Switchyard', mode: 'browser', dataDir: core.dataDir });
  });

  it('validates every output against the contract for every procedure it knows', async () => {
    const core = makeCore();
    const repo = makeRepo();
    const project = await ok<{ id: string }>(core, 'projects.add', { path: repo });
    const task = await ok<{ id: string }>(core, 'tasks.create', { projectId: project.id, title: 'x' });
    const samples: Record<string, unknown> = {
      'app.info': {},
      'projects.list': {},
      'tasks.list': { projectId: project.id },
      'tasks.get': { id: task.id },
      'tasks.update': { id: task.id, patch: { status: 'done' } },
      'settings.get': { projectId: project.id },
      'settings.set': { key: 'ui.theme', value: 'dark', scope: 'user' },
      'settings.reset': { key: 'ui.theme', scope: 'user' },
    };
    for (const [method, input] of Object.entries(samples)) {
      const output = await ok(core, method, input);
      const schema = procedures[method as keyof typeof procedures].output;
      expect(schema.safeParse(output).success, method).toBe(true);
    }
  });

  it(`refuses input nested deeper than ${MAX_INPUT_DEPTH} levels with BAD_INPUT before validating it, and takes input just within`, async () => {
    const core = makeCore();
    const { id: projectId } = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    /** Task input `levels` objects deep: the input itself, agentOptions inside it, and so on. */
    const taskInput = (levels: number) => {
      let options: unknown = 'leaf';
      for (let level = 2; level <= levels; level++) options = { inner: options };
      return { projectId, title: `nested ${levels}`, agentOptions: options };
    };
    const within = await ok<{ agentOptions: unknown }>(core, 'tasks.create', taskInput(MAX_INPUT_DEPTH));
    expect(JSON.stringify(within.agentOptions).match(/inner/g)).toHaveLength(MAX_INPUT_DEPTH - 1);
    const beyond = await fails(core, 'tasks.create', taskInput(MAX_INPUT_DEPTH + 1));
    expect(beyond).toMatchObject({ code: 'BAD_INPUT', details: { maxDepth: MAX_INPUT_DEPTH } });
    // Far beyond: recursion further in (JSON.stringify into SQLite) would overflow the stack.
    expect(await core.dispatch('tasks.create', taskInput(10_000))).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(core.tasks.list(projectId).map((t) => t.title)).toEqual([`nested ${MAX_INPUT_DEPTH}`]);
  });

  it('turns an unexpected failure into INTERNAL and keeps the stack on the main side', async () => {
    const core = makeCore();
    const { id: projectId } = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    // The database closing under a running service is not an expected failure.
    await core.dispose();
    const error = await fails(core, 'tasks.list', { projectId });
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toMatch(/database|sqlite|at .*\.ts/i);
    expect(core.log.lines.some((line) => line.includes('tasks.list failed') && /database/i.test(line))).toBe(true);
  });
});

describe('a full disk', () => {
  it('answers DISK_FULL, keeps what was saved before, and works again once there is room', async () => {
    const core = makeCore();
    const { id: projectId } = await ok<{ id: string }>(core, 'projects.add', { path: makeRepo() });
    await ok(core, 'tasks.create', { projectId, title: 'saved before' });
    // SQLite's own size cap stands in for a full disk: writes past it fail with SQLITE_FULL.
    const pages = core.database.sqlite.pragma('page_count', { simple: true }) as number;
    core.database.sqlite.pragma(`max_page_count = ${pages + 2}`);
    let error;
    for (let i = 0; i < 50 && !error; i++) {
      const result = await core.dispatch('tasks.create', { projectId, title: `big ${i}`, prompt: 'x'.repeat(100_000) });
      if (!result.ok) error = result.error;
    }
    expect(error?.code).toBe('DISK_FULL');
    expect(error?.message).toMatch(/disk is full/);
    const titles = (await ok<{ title: string }[]>(core, 'tasks.list', { projectId })).map((t) => t.title);
    expect(titles[0]).toBe('saved before');

    core.database.sqlite.pragma('max_page_count = 1073741823');
    await ok(core, 'tasks.create', { projectId, title: 'after cleanup' });
  });
});
