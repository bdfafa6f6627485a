import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { tempDir } from '../helpers/tempDir';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bin', 'switchyard.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

describe('the switchyard command', () => {
  it('prints its version and its help', () => {
    expect(run(['--version']).stdout.trim()).toBe(version);
    const help = run(['--help']).stdout;
    for (const command of ['serve', 'start', 'doctor']) expect(help).toContain(command);
  });

  it('doctor --json reports real checks and the agent CLIs it looked for', () => {
    const dataDir = tempDir();
    const result = run(['doctor', '--json', '--data-dir', dataDir]);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { name: string; ok: boolean; detail: string }[];
      agents: { kind: string; binary: string; path: string | null }[];
    };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName.git?.ok).toBe(true);
    expect(byName['node-pty']?.ok).toBe(true);
    expect(byName.sqlite?.detail).toMatch(/SQLite 3\.\d+/);
    expect(byName['data directory']).toMatchObject({ ok: true, detail: dataDir });
    expect(byName.electron).toBeDefined();
    expect(report.agents.map((a) => a.kind)).toEqual(['claude-code', 'codex', 'gemini', 'aider', 'cursor', 'opencode', 'copilot', 'qwen', 'amp']);
    expect(result.status).toBe(report.ok ? 0 : 1);
  });

  it('doctor reports the native builds on disk and which one each runtime loads', () => {
    const result = run(['doctor', '--json', '--data-dir', tempDir()]);
    const { native } = JSON.parse(result.stdout) as {
      native: {
        builds: { module: string; path: string; abi: number | 'napi' }[];
        runtimes: { runtime: string; abi: number | null; sqlite: string | null; detail: string }[];
      };
    };
    const abi = Number(process.versions.modules);
    const sqliteBuild = realpathSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(native.builds).toContainEqual({ module: 'better-sqlite3', path: sqliteBuild, abi });
    expect(native.builds.find((b) => b.module === 'node-pty')?.abi).toBe('napi');
    expect(native.runtimes[0]).toMatchObject({ runtime: 'node', abi, sqlite: sqliteBuild });
    // This machine has no Electron binary: the report says so instead of an ABI.
    expect(native.runtimes[1]).toEqual({ runtime: 'electron', version: null, abi: null, sqlite: null, detail: 'the Electron binary is not installed' });

    const text = run(['doctor', '--data-dir', tempDir()]).stdout;
    expect(text).toContain(`better-sqlite3  ABI ${abi}  ${sqliteBuild}`);
    expect(text).toMatch(/electron {2,}the Electron binary is not installed/);
  });

  it('doctor finds an agent CLI on PATH and reports its version', () => {
    const bin = tempDir();
    const fake = join(bin, 'codex');
    // A real executable named like the agent, printing a version the way the real one does.
    spawnSync('sh', ['-c', `printf '#!/bin/sh\\necho "codex-cli 9.9.9"\\n' > '${fake}' && chmod +x '${fake}'`]);
    const report = JSON.parse(run(['doctor', '--json', '--data-dir', tempDir()], { PATH: `${bin}:${process.env.PATH}` }).stdout) as {
      agents: { kind: string; path: string | null; version: string | null }[];
    };
    expect(report.agents.find((a) => a.kind === 'codex')).toMatchObject({ path: fake, version: 'codex-cli 9.9.9' });
  });

  it("doctor looks for an agent at the program the user's setting names, and only there", async () => {
    const dataDir = tempDir();
    const bin = tempDir();
    const configured = join(bin, 'my-codex');
    const onPath = join(bin, 'codex');
    for (const [file, version] of [[configured, 'codex-cli 1.2.3'], [onPath, 'codex-cli 9.9.9']] as const) {
      writeFileSync(file, `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
    }
    const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    core.settings.set('agents.codexPath', configured, 'user');
    await core.dispose();
    type Finding = { kind: string; path: string | null; version: string | null; configured: string | null; problem: string | null };
    const doctor = () => JSON.parse(run(['doctor', '--json', '--data-dir', dataDir], { PATH: `${bin}:${process.env.PATH}` }).stdout) as { agents: Finding[] };
    // Another codex on PATH is not what a start would run: the configured one is reported.
    expect(doctor().agents.find((a) => a.kind === 'codex')).toMatchObject({ path: configured, version: 'codex-cli 1.2.3', configured, problem: null });
    // The configured program removed since: reported missing, though PATH has one, with the reason.
    rmSync(configured);
    const gone = doctor().agents.find((a) => a.kind === 'codex');
    expect(gone).toMatchObject({ path: null, configured });
    expect(gone?.problem).toContain(`the configured path ${configured} is not an executable file`);
    const text = run(['doctor', '--data-dir', dataDir], { PATH: `${bin}:${process.env.PATH}` }).stdout;
    expect(text).toMatch(/agent settings\s+1 agent program configured/);
  });

  it('serve refuses a bad port with a one-line reason', () => {
    const result = run(['serve', '--port', '99999', '--data-dir', tempDir()]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/port/);
  });

  it('start says in one line that Electron cannot run here, then serves in browser mode', async () => {
    const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--data-dir', tempDir()], {
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/token=/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^Electron cannot run here \(.+\); starting browser mode\.$/);
    expect(lines[1]).toMatch(/^Switchyard is running in browser mode: http:\/\/127\.0\.0\.1:\d+\/#token=/);
  });
});
