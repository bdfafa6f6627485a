import Database from 'better-sqlite3';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFile } from '../../electron/core/dataDir';
import { defaultMigrationsFolder, MigrationError, openDatabase } from '../../electron/core/db/client';
import { tempDir } from '../helpers/tempDir';

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const names = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .all() as { name: string }[];
  db.close();
  return names.map((n) => n.name);
}

/** A copy of the shipped migrations folder holding only its first `count` migrations: an older version. */
function olderMigrations(count: number): string {
  const dir = tempDir('switchyard-migrations-');
  cpSync(defaultMigrationsFolder(), dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('database and migrations', () => {
  it('creates every table on an empty data directory, with WAL and foreign keys on', () => {
    const file = databaseFile(tempDir());
    const handle = openDatabase(file);
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    handle.close();
    expect(tables(file)).toEqual(expect.arrayContaining(['__drizzle_migrations', 'projects', 'settings', 'tasks']));
  });

  it('migrates a database written by an older version without losing its rows', () => {
    const file = databaseFile(tempDir());
    const old = openDatabase(file, olderMigrations(1));
    old.sqlite
      .prepare('insert into projects (id, name, path, base_branch, created_at) values (?, ?, ?, ?, ?)')
      .run('p1', 'kept', '/repo', 'main', 1);
    old.sqlite
      .prepare(
        'insert into tasks (id, project_id, title, prompt, status, priority, agent_kind, sort_order, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?)',
      )
      .run('t1', 'p1', 'a task from before', 'p', 'backlog', 'normal', 'claude-code', 1, 1, 1);
    old.close();

    const current = openDatabase(file);
    const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder(), 'meta', '_journal.json'), 'utf8')) as Journal;
    const applied = current.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(journal.entries.length);
    expect(current.sqlite.prepare('select title from tasks where id = ?').get('t1')).toEqual({ title: 'a task from before' });
    current.close();
  });

  it('reopening an up-to-date database applies nothing and keeps everything', () => {
    const file = databaseFile(tempDir());
    const first = openDatabase(file);
    first.sqlite
      .prepare('insert into projects (id, name, path, base_branch, created_at) values (?, ?, ?, ?, ?)')
      .run('p1', 'kept', '/repo', 'main', 1);
    const count = (first.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    first.close();
    const again = openDatabase(file);
    expect((again.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n).toBe(count);
    expect(again.sqlite.prepare('select name from projects').all()).toEqual([{ name: 'kept' }]);
    again.close();
  });

  it('stops with a MigrationError on a failing migration and leaves the database as it was', () => {
    const file = databaseFile(tempDir());
    const first = openDatabase(file);
    first.sqlite
      .prepare('insert into projects (id, name, path, base_branch, created_at) values (?, ?, ?, ?, ?)')
      .run('p1', 'precious', '/repo', 'main', 1);
    first.close();
    const before = tables(file);

    // A newer version whose next migration breaks halfway: one good statement, then a bad one.
    const broken = tempDir('switchyard-migrations-');
    cpSync(defaultMigrationsFolder(), broken, { recursive: true });
    const journalFile = join(broken, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
    const last = journal.entries[journal.entries.length - 1]!;
    journal.entries.push({ ...last, idx: last.idx + 1, tag: '9999_broken', when: last.when + 1 });
    writeFileSync(journalFile, JSON.stringify(journal));
    writeFileSync(
      join(broken, '9999_broken.sql'),
      'CREATE TABLE `half_done` (`id` text);\n--> statement-breakpoint\nDROP TABLE `projects`;\n--> statement-breakpoint\nTHIS IS NOT SQL;',
    );

    expect(() => openDatabase(file, broken)).toThrow(MigrationError);
    expect(() => openDatabase(file, broken)).toThrow(/Nothing was changed or deleted/);
    expect(tables(file)).toEqual(before);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('select name from projects').all()).toEqual([{ name: 'precious' }]);
    db.close();
  });
});
