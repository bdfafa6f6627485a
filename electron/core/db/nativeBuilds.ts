import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SwitchyardError } from '../../../shared/errors';

/**
 * Which compiled build of a native module a runtime can load. A module built against a runtime's
 * headers loads only in runtimes of the same ABI (NODE_MODULE_VERSION: Node 20 is 115, Electron 38
 * is 139); a Node-API module loads in any.
 *
 * better-sqlite3 is of the first kind. Its own build (made by `npm install` for the Node that ran
 * it, or by electron-builder for a packaged app) stays where the package keeps it; builds for
 * another runtime are made at install time (scripts/postinstall.mjs) into a folder of their own:
 *   node_modules/.switchyard-native/better-sqlite3-<version>/<runtime>-<abi>/better_sqlite3.node
 * A build's ABI is always read from the file itself, never from where it lies.
 */

/** Beside the packages in node_modules, the folder of install-time builds for other runtimes. */
const INSTALL_BUILDS_FOLDER = '.switchyard-native';
const SQLITE_ADDON = 'better_sqlite3.node';
/** Exported by an addon built against one ABI: `node_register_module_v<abi>`. */
const ABI_SYMBOL = 'node_register_module_v';
/** An ABI number has at most this many digits (they reach 3 today). */
const ABI_MAX_DIGITS = 4;
/** Exported by a Node-API addon. */
const NAPI_SYMBOL = 'napi_register_module_v';

/** The ABI an addon was built for, or 'napi' for any runtime. */
export type AddonAbi = number | 'napi';

export interface NativeBuild {
  module: 'better-sqlite3' | 'node-pty';
  path: string;
  abi: AddonAbi;
}

/** The ABI a compiled addon needs, read from the name of its registration symbol; null if the bytes are no addon. */
export function addonAbi(bytes: Buffer): AddonAbi | null {
  const at = bytes.indexOf(ABI_SYMBOL, 0, 'latin1');
  if (at >= 0) {
    const start = at + ABI_SYMBOL.length;
    const digits = /^\d+/.exec(bytes.toString('latin1', start, start + ABI_MAX_DIGITS));
    if (digits) return Number(digits[0]);
  }
  return bytes.includes(NAPI_SYMBOL, 0, 'latin1') ? 'napi' : null;
}

/** The ABI of the addon in a file, or null when there is no file or it holds no addon. */
export function fileAbi(path: string): AddonAbi | null {
  return existsSync(path) ? addonAbi(readFileSync(path)) : null;
}

function buildAt(module: NativeBuild['module'], path: string): NativeBuild | null {
  const abi = fileAbi(path);
  return abi === null ? null : { module, path, abi };
}

const requireHere = createRequire(import.meta.url);

/** The folder of an installed package. */
export function packageDir(name: 'better-sqlite3' | 'node-pty'): string {
  return dirname(requireHere.resolve(`${name}/package.json`));
}

/** The folder of the install-time builds of the installed better-sqlite3's version, one subfolder per runtime and ABI. */
function installBuildsDir(sqliteDir: string): string {
  const { version } = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string };
  return join(dirname(sqliteDir), INSTALL_BUILDS_FOLDER, `better-sqlite3-${version}`);
}

/** Where the install-time build of better-sqlite3 for a runtime goes (scripts/postinstall.mjs writes it). */
export function installBuildPath(sqliteDir: string, runtime: string, abi: number): string {
  return join(installBuildsDir(sqliteDir), `${runtime}-${abi}`, SQLITE_ADDON);
}

/** Every build of better-sqlite3 on disk: the package's own first, then the install-time ones of its version. */
export function sqliteBuilds(sqliteDir = packageDir('better-sqlite3')): NativeBuild[] {
  const own = buildAt('better-sqlite3', join(sqliteDir, 'build', 'Release', SQLITE_ADDON));
  const dir = installBuildsDir(sqliteDir);
  const installed = existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .map((runtime) => buildAt('better-sqlite3', join(dir, runtime, SQLITE_ADDON)))
    : [];
  return [own, ...installed].filter((build): build is NativeBuild => build !== null);
}

/** The build node-pty loads, in the order its loader tries them. */
export function ptyBuild(ptyDir = packageDir('node-pty')): NativeBuild | null {
  const candidates = ['build/Release', 'build/Debug', `prebuilds/${process.platform}-${process.arch}`];
  for (const folder of candidates) {
    const build = buildAt('node-pty', join(ptyDir, folder, 'pty.node'));
    if (build) return build;
  }
  return null;
}

/** The build a runtime of ABI `abi` can load, or null: never one made for another ABI. */
export function chooseBuild(abi: number, builds: readonly NativeBuild[]): NativeBuild | null {
  return builds.find((build) => build.abi === abi) ?? builds.find((build) => build.abi === 'napi') ?? null;
}

/** The ABI of the runtime this code runs in. */
export function runtimeAbi(): number {
  return Number(process.versions.modules);
}

/**
 * The better-sqlite3 build for this runtime, to pass as `nativeBinding`. A runtime without one gets
 * UNAVAILABLE before anything is loaded: loading a build of another ABI would end the process.
 */
export function sqliteBinding(abi = runtimeAbi(), sqliteDir = packageDir('better-sqlite3')): string {
  const builds = sqliteBuilds(sqliteDir);
  const build = chooseBuild(abi, builds);
  if (build) return build.path;
  const found = builds.map((b) => `ABI ${b.abi}`).join(', ') || 'none';
  throw new SwitchyardError(
    'UNAVAILABLE',
    `better-sqlite3 has no build for this runtime (ABI ${abi}; builds found: ${found}). ` +
      'Run `npm run postinstall` on a machine online to build it for Electron.',
    { abi, builds: builds.map((b) => ({ path: b.path, abi: b.abi })) },
  );
}
