import { chooseBuild, type NativeBuild } from '../db/nativeBuilds';
import type { ElectronAvailability } from './electronAvailability';

export type StartMode = { mode: 'desktop'; binary: string } | { mode: 'browser'; reason: string };

/**
 * What `switchyard start` opens: the desktop app where Electron runs and better-sqlite3 has a build
 * for Electron's ABI, else browser mode, with the reason. Electron is never started with a
 * database module it cannot load.
 */
export function chooseStartMode(electron: ElectronAvailability, sqliteBuilds: readonly NativeBuild[]): StartMode {
  if (!electron.ok) return { mode: 'browser', reason: electron.reason };
  if (!chooseBuild(electron.abi, sqliteBuilds)) {
    return {
      mode: 'browser',
      reason: `better-sqlite3 has no build for Electron ${electron.version} (ABI ${electron.abi}); \`npm run postinstall\` on a machine online makes one`,
    };
  }
  return { mode: 'desktop', binary: electron.binary };
}
