import { SwitchyardError } from '../../shared/errors';
import type { Project, Session, Task } from '../../shared/contract';
import type { CoreAccess } from './coreAccess';
import { findProject, latestSession, projectFor, resolveTask } from './taskRef';

export interface SessionRow {
  taskId: string;
  taskKey: string | null;
  pid: number | null;
  state: Session['state'];
  endedAt: number | null;
}

/** The sessions of a project (--project, else the current folder's, else every project's), newest first. */
export async function listSessions(access: CoreAccess, flags: { project?: string; json?: boolean }): Promise<SessionRow[]> {
  const here = flags.project === undefined ? await findProject(access).catch(() => null) : await projectFor(access, flags.project);
  const projects = here ? [here] : await access.call<Project[]>('projects.list', {});
  const rows: (SessionRow & { startedAt: number; title: string })[] = [];
  for (const project of projects) {
    const tasks = new Map((await access.call<Task[]>('tasks.list', { projectId: project.id })).map((t) => [t.id, t]));
    for (const s of await access.call<Session[]>('sessions.list', { projectId: project.id })) {
      const task = tasks.get(s.taskId);
      rows.push({ taskId: s.taskId, taskKey: task?.planKey ?? null, pid: s.pid, state: s.state, endedAt: s.endedAt, startedAt: s.startedAt, title: task?.title ?? '' });
    }
  }
  rows.sort((a, b) => b.startedAt - a.startedAt);
  const result = rows.map(({ taskId, taskKey, pid, state, endedAt }) => ({ taskId, taskKey, pid, state, endedAt }));
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
  } else if (rows.length === 0) {
    console.log('no sessions');
  } else {
    for (const r of rows) {
      const ended = r.endedAt === null ? 'running' : `ended ${new Date(r.endedAt).toISOString()}`;
      console.log(`${(r.taskKey ?? r.taskId).padEnd(12)} ${String(r.pid ?? '-').padStart(7)}  ${r.state.padEnd(12)} ${ended}  ${r.title}`);
    }
  }
  return result;
}

/** The recorded output of a task's latest session: as the terminal got it, or with --plain as text. */
export async function printTranscript(access: CoreAccess, ref: string, flags: { project?: string; plain?: boolean; json?: boolean }): Promise<void> {
  const task = await resolveTask(access, ref, flags.project);
  const session = await latestSession(access, task.id);
  if (session === null) throw new SwitchyardError('NOT_FOUND', `${task.planKey ?? task.id} (${task.title}) has never run: it has no transcript`);
  const format = flags.plain ? 'text' : 'raw';
  const exported = await access.call<{ format: string; data: string }>('transcript.export', { sessionId: session.id, format });
  if (flags.json) console.log(JSON.stringify({ taskId: task.id, sessionId: session.id, format, data: exported.data }, null, 2));
  else process.stdout.write(exported.data);
}
