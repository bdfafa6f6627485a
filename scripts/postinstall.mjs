// Fetches the Electron binary when this machine can, and never fails the install when it cannot:
// Electron's own download step is not run by npm (see "allowScripts"), so that an offline or
// locked-down machine still installs, and `npm start` falls back to browser mode there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Longest time the download may take before the install goes on without it (ms). */
const DOWNLOAD_TIMEOUT_MS = 120_000;

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
  if (run.status === 0) console.log('switchyard: Electron is installed; `npm start` opens the desktop app.');
  else console.log('switchyard: the Electron binary could not be downloaded here; `npm start` will use browser mode.');
}
