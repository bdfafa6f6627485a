import { describe, expect, it } from 'vitest';
import type { NativeBuild } from '../../electron/core/db/nativeBuilds';
import { formatNativeReport, nativeReport } from '../../electron/core/doctor/nativeReport';
import { chooseStartMode } from '../../electron/core/doctor/startMode';

const own: NativeBuild = { module: 'better-sqlite3', path: '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node', abi: 115 };
const forElectron: NativeBuild = {
  module: 'better-sqlite3',
  path: '/app/node_modules/.switchyard-native/better-sqlite3-12.9.0/electron-139/better_sqlite3.node',
  abi: 139,
};
const pty: NativeBuild = { module: 'node-pty', path: '/app/node_modules/node-pty/prebuilds/linux-x64/pty.node', abi: 'napi' };
const electron = { ok: true as const, binary: '/app/node_modules/electron/dist/electron', version: '38.8.6', abi: 139 };

describe('what `switchyard start` opens', () => {
  it('opens the desktop app where Electron runs and better-sqlite3 has a build for its ABI', () => {
    expect(chooseStartMode(electron, [own, forElectron])).toEqual({ mode: 'desktop', binary: electron.binary });
  });

  it('falls back to browser mode when only the Node build exists, saying which Electron and ABI lack one', () => {
    expect(chooseStartMode(electron, [own])).toEqual({
      mode: 'browser',
      reason: 'better-sqlite3 has no build for Electron 38.8.6 (ABI 139); `npm run postinstall` on a machine online makes one',
    });
  });

  it('falls back to browser mode where Electron cannot run, with its reason', () => {
    expect(chooseStartMode({ ok: false, reason: 'the Electron binary is not installed' }, [own, forElectron])).toEqual({
      mode: 'browser',
      reason: 'the Electron binary is not installed',
    });
  });
});

describe('the doctor’s report of native builds', () => {
  const node = { version: '20.20.2', abi: 115 };

  it('names every build with its ABI and the build each runtime loads', () => {
    const report = nativeReport([own, forElectron, pty], node, { ok: true, runtime: electron });
    expect(report.builds).toEqual([own, forElectron, pty]);
    expect(report.runtimes).toEqual([
      { runtime: 'node', version: '20.20.2', abi: 115, sqlite: own.path, detail: 'better-sqlite3 loads (tests, the CLI, browser mode)' },
      { runtime: 'electron', version: '38.8.6', abi: 139, sqlite: forElectron.path, detail: 'better-sqlite3 loads (the desktop app)' },
    ]);
    expect(formatNativeReport(report)).toEqual([
      'native builds:',
      `  better-sqlite3  ABI 115  ${own.path}`,
      `  better-sqlite3  ABI 139  ${forElectron.path}`,
      `  node-pty        N-API    ${pty.path}`,
      'runtimes:',
      `  node 20.20.2 (ABI 115)     better-sqlite3 loads (tests, the CLI, browser mode): ${own.path}`,
      `  electron 38.8.6 (ABI 139)  better-sqlite3 loads (the desktop app): ${forElectron.path}`,
    ]);
  });

  it('says when the installed Electron has no build, and why Electron is absent when it is', () => {
    const missing = nativeReport([own, pty], node, { ok: true, runtime: electron }).runtimes[1];
    expect(missing).toMatchObject({ runtime: 'electron', abi: 139, sqlite: null });
    expect(missing?.detail).toMatch(/^no better-sqlite3 build for this ABI: `npm start` uses browser mode/);
    const absent = nativeReport([own, pty], node, { ok: false, reason: 'the Electron binary is not installed' }).runtimes[1];
    expect(absent).toEqual({ runtime: 'electron', version: null, abi: null, sqlite: null, detail: 'the Electron binary is not installed' });
  });
});
