import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Worktree } from '../../shared/contract';
import { addTask, call, projectWithRepo } from '../worktrees/fixture';

/**
 * A setup script that installs a small node_modules as a package manager would: a package with an
 * executable, and a relative symlink to it in node_modules/.bin, unless node_modules is there
 * already (as `npm install` finds nothing to do). It counts its installs in a file.
 */
export const INSTALL_SCRIPT = 'test -d node_modules || { ' + [
  'mkdir -p node_modules/tool/bin node_modules/.bin node_modules/lib',
  'printf "#!/bin/sh\\necho tool\\n" > node_modules/tool/bin/tool.js',
  'chmod 755 node_modules/tool/bin/tool.js',
  'printf "module.exports = 1;\\n" > node_modules/lib/index.js',
  'ln -s ../tool/bin/tool.js node_modules/.bin/tool',
  'echo run >> "$SWITCHYARD_REPOSITORY/../installs-$(basename "$SWITCHYARD_REPOSITORY").log"',
].join(' && ') + '; }';

/** A project whose repository has a package-lock.json and whose setup script installs node_modules. */
export async function cachedProject() {
  const context = await projectWithRepo({ files: { 'README.md': '# r\n', 'package-lock.json': '{"lockfileVersion":3}\n', '.gitignore': 'node_modules/\n' } });
  await call(context.core, 'settings.set', { key: 'worktrees.setupScript', value: INSTALL_SCRIPT, scope: 'project', projectId: context.project.id });
  const create = async (title: string) => call<Worktree>(context.core, 'worktrees.create', { taskId: addTask(context.core, context.project.id, title).id });
  const installs = () => {
    try {
      return readFileSync(join(context.repo, '..', `installs-${context.repo.split('/').pop()}.log`), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { ...context, create, installs };
}

/** Every item of a tree as text: path, type, mode, and content or link target; equal text, equal trees. */
export function treeSnapshot(root: string): string {
  const lines: string[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const stats = lstatSync(join(root, path));
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) lines.push(`${path} link ${readlinkSync(join(root, path))}`);
      else if (stats.isDirectory()) {
        lines.push(`${path} dir ${mode}`);
        walk(path);
      } else lines.push(`${path} file ${mode} ${readFileSync(join(root, path)).toString('hex')}`);
    }
  };
  walk('');
  return lines.join('\n');
}

/** A tree snapshot with every file's write bits removed: what the cache stores, sealed, for a tree that was installed. */
export function sealedSnapshot(snapshot: string): string {
  return snapshot.replace(/^(.* file )([0-7]+)( [0-9a-f]*)$/gm, (_, head: string, mode: string, tail: string) => `${head}${(parseInt(mode, 8) & ~0o222).toString(8)}${tail}`);
}

/** Runs a program in a folder and returns its output. */
export function runIn(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8' }).trim();
}
