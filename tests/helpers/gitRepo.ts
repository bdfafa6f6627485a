import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tempDir';

/** Git with a fixed identity and no user or system config, so tests behave the same everywhere. */
export function gitIn(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

export interface RepoOptions {
  branch?: string;
  /** Files of the first commit; none means a repository with no commits. */
  files?: Record<string, string>;
}

/** A real git repository in a temp folder. */
export function makeRepo(options: RepoOptions = { files: { 'README.md': '# test\n' } }): string {
  const dir = tempDir('switchyard-repo-');
  gitIn(dir, ['init', '-q', '-b', options.branch ?? 'main']);
  const files = options.files ?? {};
  if (Object.keys(files).length > 0) {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    gitIn(dir, ['add', '-A']);
    gitIn(dir, ['commit', '-q', '-m', 'initial']);
  }
  return dir;
}
