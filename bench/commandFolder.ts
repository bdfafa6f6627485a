import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { addCommandTasks, type TaskCommand } from '../tests/fixtures/commandTasks';

/**
 * A data folder in `work` whose project (a new repository beside it) has `count` ready tasks
 * running `command` (or the command for each task's number, from 1), called `title 1`, `title 2`…
 */
export async function commandTaskFolder(work: string, count: number, command: TaskCommand, title?: string): Promise<{ dataDir: string; repo: string }> {
  const dataDir = join(work, 'data');
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--allow-empty', '-m', 'initial'], { cwd: repo });
  return { dataDir, repo: await addCommandTasks(dataDir, repo, count, command, title) };
}
