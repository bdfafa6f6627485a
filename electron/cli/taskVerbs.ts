import { SwitchyardError } from '../../shared/errors';
import type { AgentKind, Session, Task, TaskGraph } from '../../shared/contract';
import { formatTaskRows, taskRows } from '../core/plans/planReport';
import { absentSince, readCoreAlive } from '../core/scheduler/coreAbsence';
import type { CoreAccess } from './coreAccess';
import { readyWaitLine, waitedLines } from './readyWait';
import { liveSession, projectFor, resolveTask, shownKey, taskLabel } from './taskRef';

export interface AddFlags {
  project?: string;
  title: string;
  agent?: string;
  command?: string;
  prompt?: string;
  json?: boolean;
}

/** Adds a task (and the repository as a project when it is not one); a custom command runs under /bin/sh -c. */
export async function addTask(access: CoreAccess, flags: AddFlags): Promise<Task> {
  if (flags.command !== undefined && flags.agent !== undefined && flags.agent !== 'custom') {
    throw new SwitchyardError('BAD_INPUT', `--command runs a custom command; it cannot be combined with --agent ${flags.agent}`);
  }
  const project = await projectFor(access, flags.project, { add: true });
  const custom =
    flags.command !== undefined
      ? {
          agentKind: 'custom' as AgentKind,
          // The prompt, when there is one, is typed into the command: as an argument of `sh -c` it would become $0.
          agentOptions: { command: ['/bin/sh', '-c', flags.command], promptDelivery: flags.prompt !== undefined ? 'stdin' : 'none' },
        }
      : {};
  const task = await access.call<Task>('tasks.create', {
    projectId: project.id,
    title: flags.title,
    ...(flags.agent !== undefined ? { agentKind: flags.agent } : {}),
    ...(flags.prompt !== undefined ? { prompt: flags.prompt } : {}),
    ...custom,
  });
  console.log(flags.json ? JSON.stringify(task, null, 2) : `added ${taskLabel(task)} (${task.id}) to ${project.name}`);
  return task;
}

/** Waits for a session to end; resolves with its exit code. */
function sessionExit(access: CoreAccess, sessionId: string): Promise<number> {
  return new Promise((resolve) => {
    const stop = access.onEvent(({ event, payload }) => {
      const exited = payload as { sessionId?: string; exitCode?: number };
      if (event === 'session.exited' && exited.sessionId === sessionId) {
        stop();
        resolve(exited.exitCode ?? 0);
      }
    });
  });
}

/**
 * Starts a task's agent. In a running app or serve it keeps running after this command; in a core
 * of the command's own, the command stays until the agent ends (Ctrl-C stops it).
 */
export async function startTask(access: CoreAccess, ref: string, flags: { project?: string; json?: boolean }): Promise<void> {
  const task = await resolveTask(access, ref, flags.project);
  const session = await access.call<Session>('sessions.start', { taskId: task.id });
  const exit = access.kind === 'own' ? sessionExit(access, session.id) : null;
  if (flags.json) console.log(JSON.stringify(session, null, 2));
  else console.log(`started ${taskLabel(task)}: pid ${session.pid ?? '?'}, session ${session.id}`);
  if (!exit) return;
  if (!flags.json) console.error('No Switchyard runs for this data folder: the agent runs with this command until it ends (Ctrl-C stops it).');
  const code = await exit;
  if (!flags.json) console.error(`the agent ended with exit code ${code}`);
  process.exitCode = code === 0 ? 0 : 1;
}

export async function stopTask(access: CoreAccess, ref: string, flags: { project?: string; json?: boolean }): Promise<void> {
  const task = await resolveTask(access, ref, flags.project);
  const session = await liveSession(access, task);
  const stopped = await access.call<Session>('sessions.stop', { sessionId: session.id });
  console.log(flags.json ? JSON.stringify(stopped, null, 2) : `stopped ${taskLabel(task)} (pid ${session.pid ?? '?'})`);
}

/** `switchyard tasks`: the project's tasks with status and dependencies, and what waits for a core to start it. */
export async function listTasks(access: CoreAccess, flags: { project?: string; json?: boolean }): Promise<void> {
  const project = await projectFor(access, flags.project);
  const tasks = await access.call<Task[]>('tasks.list', { projectId: project.id });
  const graph = await access.call<TaskGraph>('tasks.graph', { projectId: project.id });
  // JSON keeps each row's plan key and ids; the text names every task and dependency by a key.
  if (flags.json) console.log(JSON.stringify(taskRows(tasks, graph), null, 2));
  else {
    const keyed = tasks.map((t) => ({ ...t, planKey: shownKey(t) }));
    console.log(formatTaskRows(taskRows(keyed, graph)));
    // Tasks that could have started while no core ran, and how long they waited.
    for (const line of waitedLines(keyed)) console.log(line);
    // With no core running for the data folder, nothing starts what is ready: say so, and since when.
    const waiting = access.kind === 'own' ? readyWaitLine(tasks, absentSince(readCoreAlive(access.core!.dataDir))) : null;
    if (waiting) console.log(waiting);
  }
}
