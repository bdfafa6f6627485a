import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

interface Manifest {
  scripts?: Record<string, string>;
  gypfile?: boolean;
}
interface LockEntry {
  hasInstallScript?: boolean;
}

/** Whether npm counts a package as having an install script: its own, or the `node-gyp rebuild` a binding.gyp implies. */
function runsAtInstall(dir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const scripts = manifest.scripts ?? {};
  if (scripts.preinstall || scripts.install || scripts.postinstall) return true;
  return manifest.gypfile !== false && existsSync(join(dir, 'binding.gyp'));
}

describe('package-lock.json', () => {
  it('says which packages run a script at install as npm install writes it, so a fresh install leaves it unchanged', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const differing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const dir = join(root, path);
      // Packages for other platforms (optional) are not on this disk.
      if (!existsSync(join(dir, 'package.json'))) continue;
      if (runsAtInstall(dir) !== (entry.hasInstallScript === true)) differing.push(path === '' ? '(the project itself)' : path);
    }
    expect(differing).toEqual([]);
  });
});
