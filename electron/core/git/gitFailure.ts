import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { SwitchyardError } from '../../../shared/errors';
import { inspectRepository } from './repository';

/**
 * How long a git lock file must have been left untouched (ms) to be taken as left behind by a git
 * process that is no longer running: git holds a lock only while one command runs.
 */
export const STALE_GIT_LOCK_MS = 60_000;

/** What git prints when a lock file (index.lock, a ref's .lock, …) is already there. */
const LOCK_EXISTS = /Unable to create '([^'\n]+\.lock)': File exists/;

/** The lock file a failed git command found taken, or null for any other failure. */
export function takenLockOf(error: unknown): string | null {
  const text = error instanceof Error ? error.message : String(error);
  return LOCK_EXISTS.exec(text)?.[1] ?? null;
}

/**
 * GIT_LOCKED for a git failure caused by a lock file that another git process holds or left behind,
 * saying which file and what to do; null for any other failure.
 */
export async function lockedFailure(error: unknown): Promise<SwitchyardError | null> {
  const lock = takenLockOf(error);
  if (!lock) return null;
  const info = await stat(lock).catch(() => null);
  const ageMs = info ? Math.max(0, Date.now() - info.mtimeMs) : null;
  const stale = ageMs !== null && ageMs >= STALE_GIT_LOCK_MS;
  const message = stale
    ? `a git ${basename(lock)} from a process that is no longer running (untouched for ${Math.round(ageMs / 1000)} s): remove ${lock}`
    : `another git process is working in this repository (it holds ${lock}); try again when it is done, or remove ${lock} if no git process is running`;
  return new SwitchyardError('GIT_LOCKED', message, { lock, stale, ageMs });
}

/**
 * The typed error that says why a git operation on the repository at `repoPath` failed: a lock file
 * in the way (GIT_LOCKED), or a repository that is gone (PATH_NOT_FOUND, NOT_A_GIT_REPO, naming the
 * path). Typed errors, and failures with none of these causes, come back as they are.
 */
export async function explainGitFailure(repoPath: string, error: unknown): Promise<unknown> {
  if (error instanceof SwitchyardError) return error;
  const locked = await lockedFailure(error);
  if (locked) return locked;
  const gone = await inspectRepository(repoPath).then(
    () => null,
    (typed: unknown) => (typed instanceof SwitchyardError ? typed : null),
  );
  return gone ?? error;
}
