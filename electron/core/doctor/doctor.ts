import Database from 'better-sqlite3';
import { access, constants, mkdir } from 'node:fs/promises';
import { spawn as spawnPty } from 'node-pty';
import { simpleGit } from 'simple-git';
import { AGENT_BINARIES, findExecutable, probeVersion } from '../agents/binaries';
import { ptyBuild, runtimeAbi, sqliteBinding, sqliteBuilds, type NativeBuild } from '../db/nativeBuilds';
import { electronAvailability, installedElectron } from './electronAvailability';
import { formatNativeReport, nativeReport, type NativeReport } from './nativeReport';
import { chooseStartMode } from './startMode';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface AgentFinding {
  kind: string;
  binary: string;
  path: string | null;
  version: string | null;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  agents: AgentFinding[];
  native: NativeReport;
}

/** How long the doctor waits for a pty child to exit (ms). */
const PTY_PROBE_TIMEOUT_MS = 5_000;

async function checkGit(): Promise<Check> {
  try {
    const version = await simpleGit().version();
    return { name: 'git', ok: version.installed, detail: `${version.major}.${version.minor}.${version.patch}` };
  } catch (error) {
    return { name: 'git', ok: false, detail: String(error) };
  }
}

function checkPty(): Promise<Check> {
  return new Promise((done) => {
    try {
      const pty = spawnPty('/bin/sh', ['-c', 'echo pty-ok'], { cols: 80, rows: 24 });
      let output = '';
      const timer = setTimeout(() => {
        pty.kill();
        done({ name: 'node-pty', ok: false, detail: 'the probe did not exit in time' });
      }, PTY_PROBE_TIMEOUT_MS);
      pty.onData((data) => (output += data));
      pty.onExit(() => {
        clearTimeout(timer);
        const ok = output.includes('pty-ok');
        done({ name: 'node-pty', ok, detail: ok ? 'spawned a shell in a pseudo-terminal' : 'no output from the probe' });
      });
    } catch (error) {
      done({ name: 'node-pty', ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  });
}

function checkSqlite(): Check {
  try {
    const db = new Database(':memory:', { nativeBinding: sqliteBinding() });
    const { v } = db.prepare('select sqlite_version() as v').get() as { v: string };
    db.close();
    return { name: 'sqlite', ok: true, detail: `SQLite ${v} (better-sqlite3)` };
  } catch (error) {
    return { name: 'sqlite', ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

async function checkDataDir(dataDir: string): Promise<Check> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
    return { name: 'data directory', ok: true, detail: dataDir };
  } catch (error) {
    return { name: 'data directory', ok: false, detail: `${dataDir}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function findAgents(): Promise<AgentFinding[]> {
  const findings = Object.entries(AGENT_BINARIES).flatMap(([kind, binaries]) =>
    binaries.map(async (binary) => {
      const path = await findExecutable(binary);
      return { kind, binary, path, version: path ? await probeVersion(path) : null };
    }),
  );
  return Promise.all(findings);
}

/** What works on this machine, checked for real: nothing here is assumed. */
export async function runDoctor(dataDir: string): Promise<DoctorReport> {
  const [git, pty, data, agents, electron] = await Promise.all([
    checkGit(),
    checkPty(),
    checkDataDir(dataDir),
    findAgents(),
    installedElectron(),
  ]);
  const sqlite = sqliteBuilds();
  const ptyAddon = ptyBuild();
  const builds: NativeBuild[] = ptyAddon ? [...sqlite, ptyAddon] : sqlite;
  const start = chooseStartMode(await electronAvailability(process.env, electron), sqlite);
  const checks: Check[] = [
    git,
    pty,
    checkSqlite(),
    data,
    { name: 'electron', ok: start.mode === 'desktop', detail: start.mode === 'desktop' ? `can run (${start.binary})` : start.reason },
  ];
  // Electron is optional (browser mode works without it); the rest is required.
  const ok = checks.every((c) => c.ok || c.name === 'electron');
  const native = nativeReport(builds, { version: process.versions.node, abi: runtimeAbi() }, electron);
  return { ok, checks, agents, native };
}

export function formatDoctor(report: DoctorReport): string {
  const lines = report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(15)} ${c.detail}`);
  lines.push('', 'agents:');
  for (const agent of report.agents) {
    lines.push(
      `  ${agent.kind.padEnd(12)} ${agent.path ? `${agent.path}${agent.version ? ` (${agent.version})` : ''}` : `not found (looked for "${agent.binary}" on PATH)`}`,
    );
  }
  lines.push('', ...formatNativeReport(report.native));
  return lines.join('\n');
}
