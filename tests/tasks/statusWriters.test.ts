import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';

const CORE = join(appRoot(), 'electron', 'core');
/** The folder that owns a task's status: the lifecycle and the task service that hands it user moves. */
const OWNER = join(CORE, 'tasks');

/** The shapes a write of a task's status takes in this code base, each with what it catches. */
const WRITES: { what: string; pattern: RegExp }[] = [
  { what: 'a TaskService update carrying a status', pattern: /\btasks\.update\([^)]*\bstatus\b/ },
  { what: 'an update of the tasks table that sets a status', pattern: /\.update\(\s*(?:tasks|taskTable)\s*\)\s*\.set\(\s*\{[^}]*\bstatus\b/ },
  { what: 'a new task row whose status is not the lifecycle’s', pattern: /:\s*Task\s*=\s*\{[^}]*\bstatus\s*:(?!\s*initialStatus\()/ },
  { what: 'an insert into the tasks table whose status is not the lifecycle’s', pattern: /\.insert\(\s*(?:tasks|taskTable)\s*\)\s*\.values\(\s*\{[^}]*\bstatus\s*:(?!\s*initialStatus\()/ },
  { what: 'SQL that sets a task status', pattern: /update\s+tasks\s+set[^;]*\bstatus\b/i },
];

/** Source without comments, so that prose about statuses is not taken for a write. */
const code = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');

function writesIn(source: string): string[] {
  const text = code(source);
  return WRITES.filter((w) => w.pattern.test(text)).map((w) => w.what);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('who writes a task status', () => {
  it('finds every way the status was written before the lifecycle owned it', () => {
    // The writers as they were, one per origin, and a card drop as the router handed it on.
    const before = [
      "this.deps.tasks.update(taskId, { status: 'running' });",
      'if (task.status !== status && (live || reopened)) this.deps.tasks.update(taskId, { status });',
      "if (!decision.start.includes(id)) this.deps.tasks.update(id, { status: 'ready' });",
      "this.tasks.update(taskId, { status: 'done' });",
      'tx.update(tasks).set({ ...fields, status, updatedAt: now }).where(eq(tasks.id, match.id)).run();',
      "const row: Task = {\n  id: randomUUID(),\n  status: t.done ? 'done' : 'backlog',\n  order,\n};",
      "db.insert(tasks).values({ id, title, status: 'backlog' }).run();",
      "sqlite.prepare(\"UPDATE tasks SET status = 'done' WHERE id = ?\").run(id);",
    ];
    for (const line of before) expect(writesIn(line), line).not.toEqual([]);
    // Reads, other tables and the lifecycle's own calls are not writes.
    const fine = [
      "const live = tasks.filter((t) => t.status === 'running');",
      "this.store.update(worktree.id, { status: 'removed' });",
      "this.deps.lifecycle.send(taskId, 'session.started');",
      "const row: Task = {\n  id: randomUUID(),\n  status: initialStatus(t.done ? 'plan.newDoneTask' : 'plan.newTask'),\n};",
      '// tasks.update(id, { status }) was how it used to be done',
    ];
    for (const line of fine) expect(writesIn(line), line).toEqual([]);
  });

  it('finds none in the core outside the tasks folder', () => {
    const found = sourceFiles(CORE)
      .filter((file) => !file.startsWith(OWNER + '/'))
      .flatMap((file) => writesIn(readFileSync(file, 'utf8')).map((what) => `${relative(CORE, file)}: ${what}`));
    expect(found).toEqual([]);
  });
});
