import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

/** The installed Electron: its binary, and the version and ABI the binary itself reports. */
export interface ElectronRuntime {
  binary: string;
  version: string;
  abi: number;
}

export type InstalledElectron = { ok: true; runtime: ElectronRuntime } | { ok: false; reason: string };

export type ElectronAvailability = ({ ok: true } & ElectronRuntime) | { ok: false; reason: string };

/** Longest time the Electron binary may take to report its versions when run as Node (ms). */
const ELECTRON_PROBE_TIMEOUT_MS = 15_000;

const run = promisify(execFile);

/**
 * The Electron the `electron` package installed, asked for its version and ABI by running it as
 * Node (ELECTRON_RUN_AS_NODE: no window, no display needed). The package throws when its binary
 * was never downloaded (offline or locked-down machines).
 */
export async function installedElectron(env: NodeJS.ProcessEnv = process.env): Promise<InstalledElectron> {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch {
    return { ok: false, reason: 'the Electron binary is not installed' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { ok: false, reason: 'the Electron binary is not installed' };
  try {
    const { stdout } = await run(binary, ['-p', 'JSON.stringify([process.versions.electron, process.versions.modules])'], {
      env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: ELECTRON_PROBE_TIMEOUT_MS,
    });
    const [version, abi] = JSON.parse(stdout) as [string | undefined, string];
    if (!version) return { ok: false, reason: `${binary} is not an Electron binary` };
    return { ok: true, runtime: { binary, version, abi: Number(abi) } };
  } catch (error) {
    return { ok: false, reason: `the Electron binary does not run (${(error as Error).message.split('\n')[0]})` };
  }
}

/**
 * Whether the Electron shell can run here: the `electron` package must have a binary that runs,
 * and on Linux there must be a display to open a window on.
 */
export async function electronAvailability(
  env: NodeJS.ProcessEnv = process.env,
  installed?: InstalledElectron,
): Promise<ElectronAvailability> {
  const electron = installed ?? (await installedElectron(env));
  if (!electron.ok) return electron;
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { ok: true, ...electron.runtime };
}
