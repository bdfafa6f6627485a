import { mkdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Project } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { slugify } from '../git/refNames';

/** The folder under the data directory that holds worktrees when `worktrees.root` is empty. */
export const DEFAULT_WORKTREES_FOLDER = 'worktrees';

/** How many characters of the project id make its folder name unique beside others of the same name. */
const PROJECT_ID_CHARS = 8;

/** True when `child` is `parent` or lies below it (both absolute and resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The `worktrees.root` setting as a folder: absolute, or starting with "~/" for the home folder. */
function configuredFolder(setting: string): string {
  const expanded = setting === '~' || setting.startsWith('~/') ? join(homedir(), setting.slice(1)) : setting;
  if (!isAbsolute(expanded)) {
    throw new SwitchyardError('BAD_INPUT', `the worktree folder setting "${setting}" must be an absolute path (or start with ~/)`, { path: setting });
  }
  return resolve(expanded);
}

/**
 * The folder holding a project's worktrees: `<root>/<project-name>-<id>`, where root is the
 * `worktrees.root` setting or `<dataDir>/worktrees`. It is made if missing and returned resolved
 * (symlinks followed). It may not be inside the repository: git would see every worktree as
 * untracked files of the project.
 */
export async function projectWorktreeRoot(project: Project, configuredRoot: string | null, dataDir: string): Promise<string> {
  const root = configuredRoot && configuredRoot.trim() !== '' ? configuredFolder(configuredRoot.trim()) : join(dataDir, DEFAULT_WORKTREES_FOLDER);
  const folder = join(root, `${slugify(project.name, 40)}-${project.id.slice(0, PROJECT_ID_CHARS)}`);
  if (isInside(project.path, folder)) {
    throw new SwitchyardError('BAD_INPUT', `the worktree folder ${folder} is inside the repository ${project.path}; choose one outside it`, {
      path: folder,
    });
  }
  await mkdir(folder, { recursive: true });
  return realpath(folder);
}

/**
 * Resolves a path given by a user or a plan and refuses (BAD_INPUT) anything that is not strictly
 * below the project's worktree root: `../../etc`, an absolute path elsewhere, the root itself.
 */
export function pathInsideRoot(root: string, candidate: string): string {
  const resolved = resolve(root, candidate);
  if (resolved === root || !isInside(root, resolved)) {
    throw new SwitchyardError('BAD_INPUT', `${candidate} is outside the project's worktree folder ${root}`, { path: candidate, root });
  }
  return resolved;
}

/** The folder for a new worktree: the branch's last component, made unique with a number. */
export function worktreeFolderFor(root: string, branch: string, taken: (path: string) => boolean): string {
  const name = slugify(branch.split('/').pop() ?? branch);
  let candidate = join(root, name);
  for (let n = 2; taken(candidate); n++) candidate = join(root, `${name}-${n}`);
  if (!candidate.startsWith(root + sep)) throw new Error(`worktree folder ${candidate} escaped its root ${root}`);
  return candidate;
}
