import type { ProjectService } from '../projects/projectService';
import type { Launcher } from './launcher';

/**
 * The launcher used until agent adapters are wired: the user's login shell in the project's
 * folder, whatever the task's agent kind.
 */
export function shellLauncher(projects: ProjectService): Launcher {
  return async (task) => ({
    file: process.env.SHELL || '/bin/sh',
    args: ['-l'],
    env: {},
    cwd: projects.get(task.projectId).path,
  });
}
