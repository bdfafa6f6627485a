import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { events, isProcedureName, procedures, type EventName, type EventPayload, type Project, type Task } from '../../shared/contract';
import type { ErrorData } from '../../shared/errors';
import { makeCore } from '../helpers/core';
import { gitIn, makeRepo, type RepoOptions } from '../helpers/gitRepo';

export type TestCore = ReturnType<typeof makeCore>;

/** Calls a procedure through the dispatcher; its output must match the contract's output schema. */
export async function call<T = unknown>(core: Pick<TestCore, 'dispatch'>, method: string, input: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
  if (!isProcedureName(method)) throw new Error(`${method} is no procedure`);
  const parsed = procedures[method].output.safeParse(result.output);
  if (!parsed.success) throw new Error(`${method} output does not match the contract: ${parsed.error.message}`);
  return result.output as T;
}

export async function fails(core: TestCore, method: string, input: unknown): Promise<ErrorData> {
  const result = await core.dispatch(method, input);
  expect(result.ok, `${method} should fail for ${JSON.stringify(input)?.slice(0, 200)}`).toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

/** A core with one project on a real repository (main branch, one commit unless told otherwise). */
export async function projectWithRepo(options?: RepoOptions): Promise<{ core: TestCore; project: Project; repo: string }> {
  const core = makeCore();
  const dir = makeRepo(options ?? { files: { 'README.md': '# test\n', 'app.txt': 'line 1\nline 2\nline 3\n' } });
  const project = await core.projects.add(dir);
  return { core, project, repo: project.path };
}

export function addTask(core: Pick<TestCore, 'tasks'>, projectId: string, title: string): Task {
  return core.tasks.create({ projectId, title, prompt: '', status: 'ready', priority: 'normal', phase: null });
}

/** Every event of one name the core emits from now on; each must match its schema in the contract. */
export function collect<K extends EventName>(core: TestCore, name: K): EventPayload<K>[] {
  const seen: EventPayload<K>[] = [];
  core.bus.subscribe((e) => {
    if (e.event !== name) return;
    const parsed = events[name].safeParse(e.payload);
    if (!parsed.success) throw new Error(`${name} payload does not match the contract: ${parsed.error.message}`);
    seen.push(e.payload as EventPayload<K>);
  });
  return seen;
}

/** Branch names of a repository. */
export function branches(repo: string): string[] {
  return gitIn(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']).split('\n').filter(Boolean).sort();
}

/** Registered worktree paths (the main one excluded). */
export function gitWorktreePaths(repo: string): string[] {
  return gitIn(repo, ['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length))
    .slice(1);
}

/** Every file under a folder (`.git` skipped) with its bytes, for byte-for-byte comparison. */
export function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}
