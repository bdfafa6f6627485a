import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifestWithFind } from '../../electron/core/cache/findManifest';
import { statDigest } from '../../electron/core/cache/statDigest';
import { readManifest } from '../../electron/core/cache/treeManifest';
import { tempDir } from '../helpers/tempDir';

const byPath = <T extends { path: string }>(items: T[]) => [...items].sort((a, b) => (a.path < b.path ? -1 : 1));

describe.skipIf(process.platform !== 'linux')('a manifest read by find', () => {
  it('is the manifest the walk in JavaScript reads: types, modes, sizes, times to the nanosecond, link targets', () => {
    const root = tempDir('switchyard-manifest-');
    mkdirSync(join(root, 'pkg/bin'), { recursive: true });
    mkdirSync(join(root, '.bin'));
    writeFileSync(join(root, 'pkg/index.js'), 'module.exports = 1;\n');
    writeFileSync(join(root, 'pkg/bin/tool.js'), '#!/bin/sh\necho tool\n');
    chmodSync(join(root, 'pkg/bin/tool.js'), 0o4755);
    symlinkSync('../pkg/bin/tool.js', join(root, '.bin/tool'));
    writeFileSync(join(root, 'name with spaces\nand a newline'), '');
    // A time to the nanosecond, which a double in milliseconds holds only approximately.
    execFileSync('touch', ['-m', '-d', '2023-11-14 22:13:20.987654321', join(root, 'pkg/index.js')]);
    const found = readManifestWithFind(root);
    expect(found!.find((i) => i.path === 'pkg/index.js')!.mtimeMs % 1000).toBeCloseTo(987.654, 3);
    expect(found).toBeDefined();
    expect(byPath(found!)).toEqual(byPath(readManifest(root, { hash: false })));
    expect(found!.find((i) => i.path === 'pkg/bin/tool.js')?.mode).toBe(0o4755);
  });
});

describe.skipIf(process.platform !== 'linux')('a stat digest', () => {
  it('stays while nothing changes and changes with a write in place, a chmod, a new link target, a delete or a new file', async () => {
    const root = tempDir('switchyard-digest-');
    mkdirSync(join(root, 'pkg/bin'), { recursive: true });
    writeFileSync(join(root, 'pkg/index.js'), 'module.exports = 1;\n');
    writeFileSync(join(root, 'pkg/bin/tool.js'), '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync('../pkg/bin/tool.js', join(root, 'tool'));
    const seen = new Set<string>();
    const digest = async () => {
      const value = await statDigest(root);
      expect(value).toMatch(/^[0-9a-f]{40}$/);
      return value!;
    };
    const first = await digest();
    expect(await digest()).toBe(first);
    seen.add(first);
    const changes: [string, () => void][] = [
      ['write in place', () => appendFileSync(join(root, 'pkg/index.js'), 'more\n')],
      ['chmod', () => chmodSync(join(root, 'pkg/bin/tool.js'), 0o644)],
      ['link target', () => (rmSync(join(root, 'tool')), symlinkSync('pkg/bin/tool.js', join(root, 'tool')))],
      ['delete', () => rmSync(join(root, 'pkg/index.js'))],
      ['new file', () => writeFileSync(join(root, 'pkg/new.js'), '')],
    ];
    for (const [what, change] of changes) {
      change();
      const next = await digest();
      expect(seen.has(next), what).toBe(false);
      seen.add(next);
    }
    expect(await statDigest(join(root, 'not-there'))).toBeUndefined();
  });
});
