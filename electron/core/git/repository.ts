import { simpleGit, type SimpleGit } from 'simple-git';
import { stat } from 'node:fs/promises';
import { SwitchyardError } from '../../../shared/errors';

export interface RepositoryInfo {
  /** The real path of the working tree's top level. */
  root: string;
  /** The branch HEAD points at (it may have no commit yet), or null on a detached HEAD. */
  branch: string | null;
  hasCommits: boolean;
}

export interface GitOptions {
  /** `-c name=value` settings for every command (e.g. a fallback commit identity). */
  config?: string[];
  /** Variables added to the environment; only the GIT_* names listed here pass simple-git's guard. */
  env?: Record<string, string>;
  /** Whether output is trimmed (the default); porcelain formats that start with a space need it off. */
  trimmed?: boolean;
  /** Stop the command when it has printed nothing for this long (ms): for commands that talk to a remote. */
  silenceTimeoutMs?: number;
}

/** A simple-git instance for a folder; git always runs with argument arrays, never a shell string. */
export function git(baseDir: string, options: GitOptions = {}): SimpleGit {
  const instance = simpleGit({
    baseDir,
    binary: 'git',
    maxConcurrentProcesses: 1,
    trimmed: options.trimmed ?? true,
    config: options.config ?? [],
    ...(options.silenceTimeoutMs !== undefined ? { timeout: { block: options.silenceTimeoutMs } } : {}),
    ...(options.env ? { allowEnvironment: Object.keys(options.env) } : {}),
  });
  if (options.env) instance.env({ ...inheritedEnvironment(), ...options.env });
  return instance;
}

/**
 * The variables git needs from our environment (where the user's config is, locale, temp folder),
 * for commands run with an environment of their own. Only these: simple-git refuses to run with
 * variables such as EDITOR or GIT_SSH_COMMAND set explicitly, and git needs none of the others.
 */
const INHERITED_VARIABLES = [
  'PATH', 'HOME', 'USERPROFILE', 'APPDATA', 'XDG_CONFIG_HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TEMP', 'TMP',
  'USER', 'LOGNAME', 'SYSTEMROOT',
  // For pushing: the SSH agent and proxies.
  'SSH_AUTH_SOCK', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
];

function inheritedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** How much of a failed git command's output an error carries (characters). */
const GIT_OUTPUT_TAIL_CHARS = 4_000;

/** The end of what a failed git command printed, for an error's details. */
export function gitOutputTail(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().slice(-GIT_OUTPUT_TAIL_CHARS);
}

/** The first line git printed on stderr for a failed command, without simple-git's wrapping. */
export function gitErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('fatal:') || l.startsWith('error:'));
  return (line ?? text.split('\n')[0] ?? text).replace(/^(fatal|error):\s*/, '');
}

/**
 * Looks at a folder and says which repository it belongs to. A path that does not exist is
 * PATH_NOT_FOUND; a folder outside any repository, a file, or a bare repository is NOT_A_GIT_REPO.
 */
export async function inspectRepository(path: string): Promise<RepositoryInfo> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new SwitchyardError('PATH_NOT_FOUND', `no such folder: ${path}`, { path });
  if (!info.isDirectory()) throw new SwitchyardError('NOT_A_GIT_REPO', `not a folder: ${path}`, { path });

  const repo = git(path);
  let inside: string;
  try {
    inside = await repo.revparse(['--is-inside-work-tree']);
  } catch {
    inside = 'false';
  }
  if (inside !== 'true') {
    const bare = await repo.revparse(['--is-bare-repository']).catch(() => 'false');
    throw new SwitchyardError(
      'NOT_A_GIT_REPO',
      bare === 'true'
        ? `${path} is a bare repository: it has no working tree for agents to work in`
        : `${path} is not inside a git repository`,
      { path },
    );
  }
  const root = await repo.revparse(['--show-toplevel']);
  const branch = await repo.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '');
  // With --quiet a missing commit fails with no message, which simple-git does not count as an error.
  const hasCommits = await repo
    .raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])
    .then((sha) => sha !== '')
    .catch(() => false);
  return { root, branch: branch.trim() || null, hasCommits };
}

/** What a worktree is made from: the repository's local branches and the commit each points at. */
export interface BranchProbe {
  /** Short branch name → commit. */
  branches: Map<string, string>;
}

/**
 * Checks, in as few git runs as possible (a worktree's creation is timed against plain
 * `git worktree add`), that `path` is a repository with a working tree and at least one commit,
 * and lists its branches. PATH_NOT_FOUND, NOT_A_GIT_REPO (also for a bare repository) and
 * EMPTY_REPOSITORY are the typed failures.
 */
export async function probeBranches(path: string): Promise<BranchProbe> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new SwitchyardError('PATH_NOT_FOUND', `no such folder: ${path}`, { path });
  if (!info.isDirectory()) throw new SwitchyardError('NOT_A_GIT_REPO', `not a folder: ${path}`, { path });
  const repo = git(path);
  const [bare, inside] = (await repo.raw(['rev-parse', '--is-bare-repository', '--is-inside-work-tree']).catch(() => 'false\nfalse')).split('\n');
  if (bare === 'true' || inside !== 'true') {
    throw new SwitchyardError(
      'NOT_A_GIT_REPO',
      bare === 'true' ? `${path} is a bare repository: it has no working tree for agents to work in` : `${path} is not inside a git repository`,
      { path },
    );
  }
  const out = await repo.raw(['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads/']);
  const branches = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) branches.set(line.slice(space + 1), line.slice(0, space));
  }
  if (branches.size === 0) {
    const head = await repo.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
    if (head === '') throw new SwitchyardError('EMPTY_REPOSITORY', `${path} has no commits yet: a task branch needs one to start from`, { path });
  }
  return { branches };
}
