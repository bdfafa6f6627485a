import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqliteBuilds } from '../../electron/core/db/nativeBuilds';
import { chooseStartMode } from '../../electron/core/doctor/startMode';
import { tempDir } from '../helpers/tempDir';

const root = join(import.meta.dirname, '..', '..');
const requireHere = createRequire(import.meta.url);
const realSqliteDir = dirname(requireHere.resolve('better-sqlite3/package.json'));
const sqliteVersion = (JSON.parse(readFileSync(join(realSqliteDir, 'package.json'), 'utf8')) as { version: string }).version;
const nodeBuild = join(realSqliteDir, 'build', 'Release', 'better_sqlite3.node');
const abi = Number(process.versions.modules);

/** Electron 38's ABI, which this machine has no runtime of. */
const ELECTRON_ABI = 139;
const ELECTRON_VERSION = '38.8.6';

/**
 * A copy of the app as `npm install` leaves it before its postinstall: the scripts and sources,
 * and in node_modules the electron package without its binary, better-sqlite3 with its Node build,
 * and the tools the script uses (linked to the real ones).
 */
function appCopy(): { app: string; sqliteDir: string } {
  const app = tempDir();
  for (const folder of ['scripts', 'electron', 'shared']) cpSync(join(root, folder), join(app, folder), { recursive: true });
  const modules = join(app, 'node_modules');
  mkdirSync(join(modules, 'electron'), { recursive: true });
  for (const file of ['package.json', 'index.js', 'install.js']) copyFileSync(join(root, 'node_modules', 'electron', file), join(modules, 'electron', file));
  for (const tool of ['tsx', 'prebuild-install']) symlinkSync(dirname(requireHere.resolve(`${tool}/package.json`)), join(modules, tool));
  const sqliteDir = join(modules, 'better-sqlite3');
  mkdirSync(join(sqliteDir, 'build', 'Release'), { recursive: true });
  copyFileSync(join(realSqliteDir, 'package.json'), join(sqliteDir, 'package.json'));
  copyFileSync(nodeBuild, join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'));
  return { app, sqliteDir };
}

/**
 * Gives the copy an Electron binary: a program that answers as Electron 38 run as Node does when
 * asked for its versions (the real binary cannot be downloaded here).
 */
function installElectron(app: string): void {
  const dist = join(app, 'node_modules', 'electron', 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'electron'), `#!/bin/sh\necho '["${ELECTRON_VERSION}","${ELECTRON_ABI}"]'\n`);
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(app, 'node_modules', 'electron', 'path.txt'), 'electron');
}

/**
 * A folder holding better-sqlite3's prebuilt archive for Electron 38 on this platform, named as
 * prebuild-install looks for it, with `addon` as its binary (prebuild-install reads such a folder
 * instead of downloading, via npm_config_better_sqlite3_local_prebuilds).
 */
function localPrebuilds(addon: Buffer): string {
  const dir = tempDir();
  const stage = join(dir, 'stage');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  writeFileSync(join(stage, 'build', 'Release', 'better_sqlite3.node'), addon);
  const archive = join(dir, `better-sqlite3-v${sqliteVersion}-electron-v${ELECTRON_ABI}-${process.platform}-${process.arch}.tar.gz`);
  expect(spawnSync('tar', ['czf', archive, '-C', stage, 'build']).status).toBe(0);
  return dir;
}

/** The Node build with its ABI renamed to Electron's: what a build for Electron 38 declares, byte for byte the same length. */
function addonDeclaringElectronAbi(): Buffer {
  const bytes = readFileSync(nodeBuild);
  const from = Buffer.from(`node_register_module_v${abi}`, 'latin1');
  const to = Buffer.from(`node_register_module_v${ELECTRON_ABI}`, 'latin1');
  expect(to.length).toBe(from.length);
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at)) to.copy(bytes, at);
  return bytes;
}

function postinstall(app: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(app, 'scripts', 'postinstall.mjs')], {
    cwd: app,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...env },
  });
}

const installFolder = (app: string) => join(app, 'node_modules', '.switchyard-native');

describe('postinstall: better-sqlite3 for Electron', () => {
  it('without an Electron binary, succeeds, says so in one line and writes nothing', () => {
    const { app, sqliteDir } = appCopy();
    const result = postinstall(app);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'switchyard: the Electron binary is not installed, so better-sqlite3 stays built for Node only and `npm start` uses browser mode.',
    ]);
    expect(existsSync(installFolder(app))).toBe(false);
    expect(readFileSync(join(sqliteDir, 'build', 'Release', 'better_sqlite3.node')).equals(readFileSync(nodeBuild))).toBe(true);
  });

  it('with an Electron binary, installs the prebuilt binary for its ABI beside the Node build, which stays as it was', () => {
    const { app, sqliteDir } = appCopy();
    installElectron(app);
    const result = postinstall(app, { npm_config_better_sqlite3_local_prebuilds: localPrebuilds(addonDeclaringElectronAbi()) });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      `switchyard: better-sqlite3 is built for Electron ${ELECTRON_VERSION} (ABI ${ELECTRON_ABI}) too: \`npm start\` opens the desktop app.`,
    );
    const target = join(installFolder(app), `better-sqlite3-${sqliteVersion}`, `electron-${ELECTRON_ABI}`, 'better_sqlite3.node');
    const builds = sqliteBuilds(sqliteDir);
    expect(builds.map((b) => [b.path, b.abi])).toEqual([
      [join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'), abi],
      [target, ELECTRON_ABI],
    ]);
    expect(readFileSync(builds[0]!.path).equals(readFileSync(nodeBuild))).toBe(true);
    const electron = { ok: true as const, binary: join(app, 'node_modules', 'electron', 'dist', 'electron'), version: ELECTRON_VERSION, abi: ELECTRON_ABI };
    expect(chooseStartMode(electron, builds)).toEqual({ mode: 'desktop', binary: electron.binary });

    // A second run finds it there and fetches nothing.
    expect(postinstall(app).stdout.trim()).toBe(`switchyard: better-sqlite3 for Electron ${ELECTRON_VERSION} (ABI ${ELECTRON_ABI}) is there already.`);
  });

  it('refuses a prebuilt binary whose ABI is not Electron’s, writes nothing and still succeeds', () => {
    const { app, sqliteDir } = appCopy();
    installElectron(app);
    // The archive is named for Electron 38 but holds the Node build (ABI 115).
    const result = postinstall(app, { npm_config_better_sqlite3_local_prebuilds: localPrebuilds(readFileSync(nodeBuild)) });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(
      `switchyard: better-sqlite3 could not be fetched for Electron ${ELECTRON_VERSION} (ABI ${ELECTRON_ABI}): the prebuilt binary is for ABI ${abi}; \`npm start\` uses browser mode until \`npm run postinstall\` succeeds.`,
    );
    expect(existsSync(join(installFolder(app), `better-sqlite3-${sqliteVersion}`, `electron-${ELECTRON_ABI}`))).toBe(false);
    expect(sqliteBuilds(sqliteDir).map((b) => b.abi)).toEqual([abi]);
  });
});
