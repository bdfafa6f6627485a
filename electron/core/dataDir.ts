import envPaths from 'env-paths';
import { resolve } from 'node:path';

/** The environment variable that overrides where Switchyard keeps its data. */
export const DATA_DIR_ENV = 'SWITCHYARD_DATA_DIR';

/**
 * Where Switchyard keeps its database and caches: an explicit --data-dir first, then
 * SWITCHYARD_DATA_DIR, then the host's own default (Electron's userData on the desktop), then the
 * platform's per-user data folder.
 */
export function resolveDataDir(options: { explicit?: string | undefined; hostDefault?: string | undefined } = {}): string {
  const chosen =
    options.explicit ?? process.env[DATA_DIR_ENV] ?? options.hostDefault ?? envPaths('Switchyard', { suffix: '' }).data;
  return resolve(chosen);
}

export function databaseFile(dataDir: string): string {
  return resolve(dataDir, 'switchyard.db');
}
