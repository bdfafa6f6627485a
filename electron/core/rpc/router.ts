import type { AppInfo } from '../../../shared/contract';
import type { ProjectService } from '../projects/projectService';
import type { SessionService } from '../sessions/sessionService';
import type { SettingsService } from '../settings/settingsService';
import type { TaskService } from '../tasks/taskService';
import type { Handlers } from './dispatcher';

export interface RouterServices {
  info: () => AppInfo;
  projects: ProjectService;
  tasks: TaskService;
  settings: SettingsService;
  sessions: SessionService;
}

/** Maps every procedure of the contract onto the service that answers it. */
export function createRouter(s: RouterServices): Handlers {
  return {
    'app.info': () => s.info(),
    'projects.add': ({ path, name }) => s.projects.add(path, name),
    'projects.list': () => s.projects.list(),
    'projects.remove': ({ id }) => s.projects.remove(id),
    'tasks.create': (input) => s.tasks.create(input),
    'tasks.update': ({ id, patch }) => s.tasks.update(id, patch),
    'tasks.delete': ({ id }) => s.tasks.delete(id),
    'tasks.list': ({ projectId }) => s.tasks.list(projectId),
    'tasks.get': ({ id }) => s.tasks.get(id),
    'settings.get': ({ projectId }) => s.settings.list(projectId),
    'settings.set': ({ key, value, scope, projectId }) => s.settings.set(key, value, scope, projectId),
    'settings.reset': ({ key, scope, projectId }) => s.settings.reset(key, scope, projectId),
    'sessions.start': ({ taskId, cols, rows }) => s.sessions.start(taskId, { cols, rows }),
    'sessions.stop': ({ sessionId }) => s.sessions.stop(sessionId),
    'sessions.interrupt': ({ sessionId }) => s.sessions.interrupt(sessionId),
    'sessions.restart': ({ sessionId }) => s.sessions.relaunch(sessionId, false),
    'sessions.resume': ({ sessionId }) => s.sessions.relaunch(sessionId, true),
    'sessions.list': (filter) => s.sessions.list(filter),
    'sessions.get': ({ sessionId }) => s.sessions.get(sessionId),
    'sessions.history': ({ sessionId }) => s.sessions.history(sessionId),
    'terminal.input': ({ sessionId, data }) => s.sessions.input(sessionId, data),
    'terminal.resize': ({ sessionId, cols, rows }) => s.sessions.resize(sessionId, cols, rows),
    'terminal.attach': ({ sessionId, cols, rows }, client) => s.sessions.attach(sessionId, client, { cols, rows }),
    'terminal.detach': ({ sessionId }, client) => s.sessions.detach(sessionId, client),
    'terminal.ack': ({ sessionId, chars }, client) => s.sessions.ack(sessionId, client, chars),
    'transcript.search': ({ sessionId, query, context, limit }) => s.sessions.search(sessionId, query, context, limit),
    'transcript.export': ({ sessionId, format }) => s.sessions.export(sessionId, format),
  };
}
