import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronAvailability = { ok: true; binary: string } | { ok: false; reason: string };

/**
 * Whether the Electron shell can run here: the `electron` package must have its binary (it cannot
 * be downloaded on every machine), and on Linux there must be a display to open a window on.
 */
export async function electronAvailability(env: NodeJS.ProcessEnv = process.env): Promise<ElectronAvailability> {
  let binary: unknown;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch {
    // The package throws when its binary was never downloaded (offline or locked-down machines).
    return { ok: false, reason: 'the Electron binary is not installed' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { ok: false, reason: 'the Electron binary is not installed' };
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { ok: true, binary };
}
