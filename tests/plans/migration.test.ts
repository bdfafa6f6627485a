import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { databaseFile } from '../../electron/core/dataDir';
import { openDatabase } from '../../electron/core/db/client';
import type { Task } from '../../shared/contract';
import { makeCore } from '../helpers/core';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { repoRoot } from './samplePlans';

describe('the plans migration', () => {
  it('upgrades a database made before it: existing tasks keep their data and get empty plan fields', async () => {
    // The migrations folder as it was before plans: only the first migration in the journal.
    const before = join(tempDir(), 'drizzle');
    cpSync(join(repoRoot, 'drizzle'), before, { recursive: true });
    const journalFile = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    for (const entry of journal.entries.slice(1)) rmSync(join(before, `${entry.tag}.sql`));
    journal.entries = journal.entries.slice(0, 1);
    writeFileSync(journalFile, JSON.stringify(journal));

    const dataDir = tempDir();
    const old = openDatabase(databaseFile(dataDir), before);
    old.close();
    const sqlite = new Database(databaseFile(dataDir));
    const repo = makeRepo();
    sqlite.prepare("INSERT INTO projects (id, name, path, base_branch, created_at) VALUES ('p1', 'old', ?, 'main', 1)").run(repo);
    sqlite
      .prepare(
        "INSERT INTO tasks (id, project_id, title, prompt, status, priority, agent_kind, phase, sort_order, created_at, updated_at) VALUES ('t1', 'p1', 'Old task', 'do it', 'review', 'high', 'codex', 'P1', 1024, 1, 2)",
      )
      .run();
    sqlite.close();

    const core = makeCore(dataDir);
    const listed = await core.dispatch('tasks.list', { projectId: 'p1' });
    expect(listed.ok).toBe(true);
    const tasks = (listed as { ok: true; output: Task[] }).output;
    expect(tasks).toEqual([
      expect.objectContaining({
        id: 't1',
        title: 'Old task',
        status: 'review',
        agentKind: 'codex',
        parentId: null,
        contextDocs: [],
        agentOptions: {},
        planId: null,
        planKey: null,
        estimate: null,
      }),
    ]);
    const graph = await core.dispatch('tasks.graph', { projectId: 'p1' });
    expect(graph).toMatchObject({ ok: true, output: { edges: [], nodes: [{ id: 't1', ready: false }] } });
  });
});
