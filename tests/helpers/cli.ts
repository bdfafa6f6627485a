import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
// First, so that its clean-up is registered before this module's: after-each hooks run in reverse
// order, so a serve is stopped before the temp data folder it writes into is removed.
import './tempDir';
import { waitFor } from './waitFor';

/** The CLI as a user runs it. */
export const cli = join(import.meta.dirname, '..', '..', 'bin', 'switchyard.js');

/** One CLI call, to its end (a minute at most). */
export function runCli(args: string[], cwd?: string) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, ...(cwd ? { cwd } : {}) });
}

/** One CLI call with `--json`, which must succeed; its parsed output. */
export function cliJson<T>(args: string[], cwd?: string): T {
  const result = runCli([...args, '--json'], cwd);
  expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const serves: { child: ChildProcess; dataDir: string }[] = [];
afterEach(async () => {
  for (const { child, dataDir } of serves.splice(0)) {
    await stopServe(child);
    // Quitting keeps agents running: the session host and its agents of the test's data folder end
    // with the test (as `switchyard daemon stop --all`), or they outlive the whole run.
    await stopHost(dataDir, { all: true }).catch(() => null);
  }
});

/**
 * `switchyard serve` on a free port for the data folder, stopped after the test; resolves with its
 * process and the token in the address it printed.
 */
export async function serveCli(dataDir: string, args: string[] = []): Promise<{ child: ChildProcess; token: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  serves.push({ child, dataDir });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const token = await waitFor('serve to print its address', () => /#token=([\w-]+)/.exec(output)?.[1], { timeoutMs: 30_000, explain: () => output });
  return { child, token };
}

/** Stops a serve as quitting does (SIGTERM) and waits for its exit. */
export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await gone;
}
