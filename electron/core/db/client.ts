import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appRoot } from '../appRoot';
import { sqliteBinding } from './nativeBuilds';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Db;
  sqlite: Database.Database;
  file: string;
  close(): void;
}

/** A migration failed: the app must stop and say so. The database is left exactly as it was. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `Switchyard could not update its database at ${file}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Nothing was changed or deleted; restore a backup or report this error.',
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/** How long a writer waits for a lock held by another connection before SQLITE_BUSY (ms). */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * How a transaction that reads and then writes begins: it takes the write lock at BEGIN, waiting up
 * to the busy timeout for it. A deferred one that read first cannot wait when another connection
 * (the transcript writer, the session host) wrote meanwhile: SQLite answers "database is locked"
 * at once.
 */
export const WRITE_TRANSACTION = { behavior: 'immediate' } as const;

export function defaultMigrationsFolder(): string {
  return join(appRoot(), 'drizzle');
}

/**
 * Opens (creating if needed) the database file, sets its pragmas and applies pending migrations.
 * better-sqlite3 is loaded from its build for this runtime's ABI; a runtime without one gets
 * UNAVAILABLE and nothing is loaded (see nativeBuilds.ts).
 */
export function openDatabase(file: string, migrationsFolder = defaultMigrationsFolder()): DatabaseHandle {
  const nativeBinding = sqliteBinding();
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file, { nativeBinding });
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const db = drizzle(sqlite, { schema });
    if (!existsSync(migrationsFolder)) throw new Error(`migrations folder not found: ${migrationsFolder}`);
    try {
      migrate(db, { migrationsFolder });
    } catch (error) {
      throw new MigrationError(file, error);
    }
    return { db, sqlite, file, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
