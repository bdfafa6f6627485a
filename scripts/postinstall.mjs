// Prepares the desktop app where this machine can, and never fails the install where it cannot:
// 1. Fetches the Electron binary. Electron's own download step is not run by npm (see
//    "allowScripts"), so that an offline or locked-down machine still installs.
// 2. Where an Electron binary runs, fetches better-sqlite3's prebuilt binary for Electron's ABI
//    into a folder of its own (electron/core/db/nativeBuilds.ts says where), beside the Node build
//    that the tests and the CLI load. Without either, `npm start` uses browser mode.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Longest time the Electron download may take before the install goes on without it (ms). */
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** Longest time fetching better-sqlite3's prebuilt binary for Electron may take (ms). */
const PREBUILD_TIMEOUT_MS = 120_000;

const require = createRequire(import.meta.url);
let installer;
try {
  installer = require.resolve('electron/install.js');
} catch {
  process.exit(0); // a production install without devDependencies
}

const skip = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || process.env.CI;
let already = false;
try {
  already = existsSync(require('electron'));
} catch {
  already = false;
}

if (!already && !skip) {
  const run = spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: DOWNLOAD_TIMEOUT_MS });
  if (run.status === 0) console.log('switchyard: Electron is installed.');
  else console.log('switchyard: the Electron binary could not be downloaded here.');
}

/** Fetches better-sqlite3 for the installed Electron's ABI; returns what happened, in one line. */
async function buildSqliteForElectron() {
  // The same code that the app runs to find Electron and to pick a build (tsx is a devDependency, as electron is).
  const { tsImport } = await import('tsx/esm/api');
  const { installedElectron } = await tsImport('../electron/core/doctor/electronAvailability.ts', import.meta.url);
  const { fileAbi, installBuildPath, packageDir } = await tsImport('../electron/core/db/nativeBuilds.ts', import.meta.url);
  const electron = await installedElectron();
  if (!electron.ok) return `${electron.reason}, so better-sqlite3 stays built for Node only and \`npm start\` uses browser mode.`;
  const { version, abi } = electron.runtime;
  const sqliteDir = packageDir('better-sqlite3');
  const target = installBuildPath(sqliteDir, 'electron', abi);
  if (fileAbi(target) === abi) return `better-sqlite3 for Electron ${version} (ABI ${abi}) is there already.`;

  // prebuild-install (better-sqlite3's own installer) unpacks into build/ beside a package.json:
  // a scratch folder with a copy of that file, so the Node build in the package is never touched.
  const scratch = mkdtempSync(join(tmpdir(), 'switchyard-native-'));
  try {
    copyFileSync(join(sqliteDir, 'package.json'), join(scratch, 'package.json'));
    const prebuildInstall = createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
    const args = ['--runtime', 'electron', '--target', version, '--arch', process.arch, '--platform', process.platform];
    const fetched = spawnSync(process.execPath, [prebuildInstall, ...args], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: PREBUILD_TIMEOUT_MS,
    });
    const built = join(scratch, 'build', 'Release', 'better_sqlite3.node');
    const builtAbi = fetched.status === 0 ? fileAbi(built) : null;
    if (builtAbi !== abi) {
      const why =
        builtAbi !== null
          ? `the prebuilt binary is for ABI ${builtAbi}`
          : fetched.error?.message || (fetched.stderr ?? '').trim().split('\n').pop() || 'no prebuilt binary';
      return `better-sqlite3 could not be fetched for Electron ${version} (ABI ${abi}): ${why}; \`npm start\` uses browser mode until \`npm run postinstall\` succeeds.`;
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, `${target}.partial`);
    renameSync(`${target}.partial`, target);
    return `better-sqlite3 is built for Electron ${version} (ABI ${abi}) too: \`npm start\` opens the desktop app.`;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  console.log(`switchyard: ${await buildSqliteForElectron()}`);
} catch (error) {
  console.log(`switchyard: better-sqlite3 was not built for Electron (${error instanceof Error ? error.message : String(error)}); \`npm start\` uses browser mode.`);
}
