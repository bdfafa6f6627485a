// Builds the renderer (a page) and the Node side (CLI, Electron main and preload) with Vite.
// `--if-stale` skips the build when nothing it reads has changed since the last one.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { build } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['electron', 'shared', 'renderer', 'drizzle', 'package.json', 'vite.config.ts', 'scripts/build.mjs'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function upToDate() {
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return !inputs.some((input) => existsSync(join(root, input)) && newestMtime(join(root, input)) > built);
}

// One build at a time: test files that start `--if-stale` builds side by side would otherwise
// write the same files at once. A later one waits, then finds the build done.
const lock = join(root, 'dist', '.build-lock');
/** A lock older than this was left by a build that died (ms). */
const STALE_LOCK_MS = 10 * 60_000;
mkdirSync(join(root, 'dist'), { recursive: true });
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));

if (process.argv.includes('--if-stale') && upToDate()) process.exit(0);

const pkg = JSON.parse((await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8'));
// Runtime dependencies stay in node_modules (native modules cannot be bundled); all else is bundled.
const external = [
  'electron',
  ...Object.keys(pkg.dependencies ?? {}),
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];
const isExternal = (id) => external.some((name) => id === name || id.startsWith(`${name}/`));

const quiet = { logLevel: 'warn', configFile: false, root };
// What is built is what ships, whoever starts the build: a NODE_ENV inherited from a test runner
// (vitest sets `test`) would otherwise put React's development build, unminified, into the page.
process.env.NODE_ENV = 'production';

await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });

await build({
  ...quiet,
  build: {
    outDir: 'dist/node',
    emptyOutDir: false,
    ssr: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      input: {
        cli: join(root, 'electron/cli.ts'),
        main: join(root, 'electron/main.ts'),
        // The core's threads (electron/core/workerEntry.ts): worker entries of their own.
        mirrorWorker: join(root, 'electron/core/sessions/mirrorWorker.ts'),
        transcriptWorker: join(root, 'electron/core/sessions/transcriptWorker.ts'),
        planParseWorker: join(root, 'electron/core/plans/planParseWorker.ts'),
        // The session host process (electron/core/sessions/hostSupervisor.ts starts it).
        sessionHost: join(root, 'electron/core/sessions/hostMain.ts'),
        manifestWorker: join(root, 'electron/core/cache/manifestWorker.ts'),
      },
      external: isExternal,
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

// A sandboxed preload cannot load modules: it is one CommonJS file that requires only 'electron'.
await build({
  ...quiet,
  build: {
    outDir: 'dist/node',
    emptyOutDir: false,
    ssr: true,
    target: 'node20',
    minify: false,
    rolldownOptions: {
      input: { preload: join(root, 'electron/preload.ts') },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});

writeFileSync(stamp, new Date().toISOString());
console.log('built dist/renderer and dist/node');
