import type { AppInfo } from '../../../shared/contract';
import type { PlanImporter } from '../plans/planImporter';
import type { ProjectService } from '../projects/projectService';
import type { SettingsService } from '../settings/settingsService';
import type { TaskGraphService } from '../tasks/taskGraphService';
import type { TaskService } from '../tasks/taskService';
import type { Handlers } from './dispatcher';

export interface RouterServices {
  info: () => AppInfo;
  projects: ProjectService;
  tasks: TaskService;
  taskGraph: TaskGraphService;
  plans: PlanImporter;
  settings: SettingsService;
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
    'tasks.addDependency': (edge) => s.taskGraph.add(edge),
    'tasks.removeDependency': (edge) => s.taskGraph.remove(edge),
    'tasks.dependencies': ({ projectId }) => s.taskGraph.edges(projectId),
    'tasks.graph': ({ projectId }) => s.taskGraph.graph(projectId),
    'plans.preview': (source) => s.plans.preview(source),
    'plans.import': (source) => s.plans.import(source),
    'plans.list': ({ projectId }) => s.plans.list(projectId),
    'settings.get': ({ projectId }) => s.settings.list(projectId),
    'settings.set': ({ key, value, scope, projectId }) => s.settings.set(key, value, scope, projectId),
    'settings.reset': ({ key, scope, projectId }) => s.settings.reset(key, scope, projectId),
  };
}
