import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../shared/errors';
import {
  addonAbi,
  chooseBuild,
  installBuildPath,
  ptyBuild,
  sqliteBinding,
  sqliteBuilds,
  type NativeBuild,
} from '../../electron/core/db/nativeBuilds';
import { tempDir } from '../helpers/tempDir';

const requireHere = createRequire(import.meta.url);
const realSqliteDir = dirname(requireHere.resolve('better-sqlite3/package.json'));
const nodeBuild = join(realSqliteDir, 'build', 'Release', 'better_sqlite3.node');
const abi = Number(process.versions.modules);
const ELECTRON_ABI = 139;

const sqlite = (path: string, buildAbi: NativeBuild['abi']): NativeBuild => ({ module: 'better-sqlite3', path, abi: buildAbi });

/** A node_modules holding better-sqlite3 with its Node build, as `npm install` leaves it. */
function sqlitePackage(): string {
  const dir = join(tempDir(), 'node_modules', 'better-sqlite3');
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  copyFileSync(join(realSqliteDir, 'package.json'), join(dir, 'package.json'));
  copyFileSync(nodeBuild, join(dir, 'build', 'Release', 'better_sqlite3.node'));
  return dir;
}

describe('the ABI of a native build, read from the file', () => {
  it('reads this Node’s ABI from better-sqlite3, N-API from node-pty, and nothing from a program that is no addon', () => {
    expect(addonAbi(readFileSync(nodeBuild))).toBe(abi);
    const pty = ptyBuild();
    expect(pty?.abi).toBe('napi');
    expect(addonAbi(readFileSync(pty!.path))).toBe('napi');
    expect(addonAbi(readFileSync('/bin/sh'))).toBeNull();
  });
});

describe('the build each runtime loads', () => {
  const own = sqlite('/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node', 115);
  const forElectron = sqlite('/app/node_modules/.switchyard-native/better-sqlite3-12.9.0/electron-139/better_sqlite3.node', 139);

  it('gives Node the package’s own build and Electron the install-time one, each by its ABI', () => {
    expect(chooseBuild(115, [own, forElectron])).toBe(own);
    expect(chooseBuild(139, [own, forElectron])).toBe(forElectron);
  });

  it('gives a runtime whose ABI has no build nothing, never a build of another ABI', () => {
    expect(chooseBuild(139, [own])).toBeNull();
    expect(chooseBuild(115, [forElectron])).toBeNull();
    expect(chooseBuild(137, [own, forElectron])).toBeNull();
    expect(chooseBuild(115, [])).toBeNull();
  });

  it('takes a Node-API build for any runtime, after one of the runtime’s own ABI', () => {
    const napi = sqlite('/app/napi.node', 'napi');
    expect(chooseBuild(139, [own, napi])).toBe(napi);
    expect(chooseBuild(115, [napi, own])).toBe(own);
  });
});

describe('better-sqlite3 builds on disk', () => {
  it('lists the package’s build and the install-time ones, each with the ABI its bytes declare, not the one its folder names', () => {
    const dir = sqlitePackage();
    // A build put where Electron's would go, but made for this Node: the folder's name lies.
    const mislabelled = installBuildPath(dir, 'electron', ELECTRON_ABI);
    mkdirSync(dirname(mislabelled), { recursive: true });
    copyFileSync(nodeBuild, mislabelled);

    const builds = sqliteBuilds(dir);
    expect(builds.map((b) => [b.path, b.abi])).toEqual([
      [join(dir, 'build', 'Release', 'better_sqlite3.node'), abi],
      [mislabelled, abi],
    ]);
    expect(chooseBuild(ELECTRON_ABI, builds)).toBeNull();
  });

  it('opens a database with the build chosen for this runtime', () => {
    const dir = sqlitePackage();
    const binding = sqliteBinding(abi, dir);
    expect(binding).toBe(join(dir, 'build', 'Release', 'better_sqlite3.node'));
    const db = new Database(':memory:', { nativeBinding: binding });
    expect((db.prepare('select 40 + 2 as n').get() as { n: number }).n).toBe(42);
    db.close();
  });

  it('answers a runtime without a build with UNAVAILABLE, naming its ABI and the builds found, before loading anything', () => {
    let error: unknown;
    try {
      sqliteBinding(ELECTRON_ABI, sqlitePackage());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('UNAVAILABLE');
    expect((error as SwitchyardError).message).toContain(`ABI ${ELECTRON_ABI}; builds found: ABI ${abi}`);
  });
});
