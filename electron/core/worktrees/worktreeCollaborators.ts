import type { EventBus } from '../events';
import type { ProjectService } from '../projects/projectService';
import type { TaskService } from '../tasks/taskService';
import type { RepoQueue } from './repoQueue';
import type { TaskCheckouts } from './taskCheckouts';
import type { WorktreeSetup } from './worktreeSetup';
import type { WorktreeStore } from './worktreeStore';

/** What the services beside the worktree service work with, handed to each by the composition root. */
export interface WorktreeCollaborators {
  store: WorktreeStore;
  queue: RepoQueue;
  checkouts: TaskCheckouts;
  setup: WorktreeSetup;
  bus: EventBus;
  projects: ProjectService;
  tasks: TaskService;
}
