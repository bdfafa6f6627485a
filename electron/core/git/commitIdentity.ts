import { git } from './repository';

/** Who commits when the user has configured no identity: changes are never lost for lack of a name. */
const FALLBACK_IDENTITY = ['user.name=Switchyard', 'user.email=switchyard@localhost'];

const known = new Map<string, string[]>();

/**
 * The `-c` settings a commit in this repository needs: none when the user has an identity (theirs
 * is used), else a fallback one. Remembered per repository for the life of the process.
 */
export async function commitIdentityConfig(repoPath: string): Promise<string[]> {
  const cached = known.get(repoPath);
  if (cached) return cached;
  const ok = await git(repoPath)
    .raw(['var', 'GIT_COMMITTER_IDENT'])
    .then(() => true)
    .catch(() => false);
  const config = ok ? [] : FALLBACK_IDENTITY;
  known.set(repoPath, config);
  return config;
}
