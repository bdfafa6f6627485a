import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SwitchyardError } from '../../shared/errors';
import type { Project, Session, Task } from '../../shared/contract';
import { inspectRepository } from '../core/git/repository';
import type { CoreAccess } from './coreAccess';

/** The root of the repository holding `path` (default: the current folder), as projects store it. */
export async function repositoryRoot(path?: string): Promise<string> {
  return realpath((await inspectRepository(resolve(path ?? process.cwd()))).root);
}

/** The project of a repository (default: the current folder's), or null when it is not one. */
export async function findProject(access: CoreAccess, path?: string): Promise<Project | null> {
  const root = await repositoryRoot(path);
  const projects = await access.call<Project[]>('projects.list', {});
  return projects.find((p) => p.path === root) ?? null;
}

/** The project of a repository; with `add`, the repository becomes one when it is not yet. */
export async function projectFor(access: CoreAccess, path: string | undefined, options: { add?: boolean } = {}): Promise<Project> {
  const found = await findProject(access, path);
  if (found) return found;
  const root = await repositoryRoot(path);
  if (options.add) return access.call<Project>('projects.add', { path: root });
  throw new SwitchyardError('NOT_FOUND', `${root} is not a Switchyard project: add a task to it (switchyard tasks add) or import a plan into it first`);
}

/**
 * The projects a TASK is looked for in: the one named by --project, else the current folder's
 * when it is a project, else every project.
 */
async function candidateProjects(access: CoreAccess, projectPath: string | undefined): Promise<Project[]> {
  if (projectPath !== undefined) return [await projectFor(access, projectPath)];
  const here = await findProject(access).catch(() => null);
  return here ? [here] : access.call<Project[]>('projects.list', {});
}

/** How many leading characters of its id name a task that its plan gave no key (as git shortens a hash). */
export const SHORT_ID_LENGTH = 8;

/** The key a task is shown and named by: its plan's, else the start of its id. */
export function shownKey(task: Task): string {
  return task.planKey ?? task.id.slice(0, SHORT_ID_LENGTH);
}

/**
 * A task named by its key (from a plan), its id or the start of its id as `shownKey` gives it;
 * NOT_FOUND, or CONFLICT when a key names several.
 */
export async function resolveTask(access: CoreAccess, ref: string, projectPath?: string): Promise<Task> {
  const projects = await candidateProjects(access, projectPath);
  const matches: Task[] = [];
  const short = ref.length >= SHORT_ID_LENGTH;
  for (const project of projects) {
    const tasks = await access.call<Task[]>('tasks.list', { projectId: project.id });
    const byId = tasks.find((t) => t.id === ref);
    if (byId) return byId;
    matches.push(...tasks.filter((t) => t.planKey === ref || (short && t.planKey === null && t.id.startsWith(ref))));
  }
  if (matches.length === 1) return matches[0]!;
  const where = projects.length === 1 ? `in ${projects[0]!.name} (${projects[0]!.path})` : `in any of ${projects.length} projects`;
  if (matches.length === 0) throw new SwitchyardError('NOT_FOUND', `no task with the key or id "${ref}" ${where}`, { task: ref });
  throw new SwitchyardError('CONFLICT', `the key "${ref}" names ${matches.length} tasks ${where}: pass --project, or the task's id`, {
    ids: matches.map((t) => t.id),
  });
}

/** The task's latest session, or null when it never ran. */
export async function latestSession(access: CoreAccess, taskId: string): Promise<Session | null> {
  const sessions = await access.call<Session[]>('sessions.list', { taskId });
  return sessions.reduce<Session | null>((latest, s) => (latest === null || s.startedAt > latest.startedAt ? s : latest), null);
}

/** The task's running session; SESSION_NOT_RUNNING when it has none. */
export async function liveSession(access: CoreAccess, task: Task): Promise<Session> {
  const session = await latestSession(access, task.id);
  if (session === null || session.endedAt !== null) {
    throw new SwitchyardError('SESSION_NOT_RUNNING', `${shownKey(task)} (${task.title}) has no running agent: start it with switchyard tasks start`);
  }
  return session;
}

export function taskLabel(task: Task): string {
  return task.planKey ? `${task.planKey} ${task.title}` : task.title;
}
