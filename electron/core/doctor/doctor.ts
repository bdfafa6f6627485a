import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { access, constants, mkdir } from 'node:fs/promises';
import { spawn as spawnPty } from 'node-pty';
import { simpleGit } from 'simple-git';
import type { AgentKind } from '../../../shared/contract';
import { AGENT_BINARIES, probeVersion } from '../agents/binaries';
import { AGENT_PATH_SETTINGS, agentInstallation, type AgentPathSetting } from '../agents/installed';
import { databaseFile } from '../dataDir';
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
  /** The program the user's setting names (then the only place looked at), or null. */
  configured: string | null;
  /** Why it was not found: every place looked at, or what is wrong with the configured path. */
  problem: string | null;
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

/**
 * The agent programs the user's settings name, read from the database without migrating or
 * writing it: an absent database has none; one that cannot be read is a failed check.
 */
function configuredAgentPaths(dataDir: string): { paths: Partial<Record<AgentKind, string>>; check: Check } {
  const file = databaseFile(dataDir);
  const name = 'agent settings';
  if (!existsSync(file)) return { paths: {}, check: { name, ok: true, detail: 'no database yet: no agent program is configured' } };
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding: sqliteBinding() });
    try {
      const keys = Object.values(AGENT_PATH_SETTINGS);
      const rows = db
        .prepare(`select key, value from settings where scope = 'user' and key in (${keys.map(() => '?').join(', ')})`)
        .all(...keys) as { key: AgentPathSetting; value: string }[];
      const byKey = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
      const paths: Partial<Record<AgentKind, string>> = {};
      for (const [kind, key] of Object.entries(AGENT_PATH_SETTINGS) as [AgentKind, AgentPathSetting][]) {
        const value = byKey.get(key);
        if (typeof value === 'string' && value.trim() !== '') paths[kind] = value.trim();
      }
      const count = Object.keys(paths).length;
      return { paths, check: { name, ok: true, detail: count === 0 ? 'no agent program is configured' : `${count} agent program${count === 1 ? '' : 's'} configured` } };
    } finally {
      db.close();
    }
  } catch (error) {
    return { paths: {}, check: { name, ok: false, detail: `${file}: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/** Each agent kind looked for as a start of it would look: the configured program alone, else PATH and the usual folders. */
async function findAgents(configured: Partial<Record<AgentKind, string>>): Promise<AgentFinding[]> {
  const findings = (Object.keys(AGENT_BINARIES) as (keyof typeof AGENT_BINARIES)[]).map(async (kind) => {
    const found = await agentInstallation(kind, { binaryPaths: configured });
    const base = { kind, binary: AGENT_BINARIES[kind][0]!, configured: configured[kind] ?? null };
    if (!found.installed) return { ...base, path: null, version: null, problem: found.reason };
    return { ...base, path: found.path, version: await probeVersion(found.path), problem: null };
  });
  return Promise.all(findings);
}

/** What works on this machine, checked for real: nothing here is assumed. */
export async function runDoctor(dataDir: string): Promise<DoctorReport> {
  const settings = configuredAgentPaths(dataDir);
  const [git, pty, data, agents, electron] = await Promise.all([
    checkGit(),
    checkPty(),
    checkDataDir(dataDir),
    findAgents(settings.paths),
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
    settings.check,
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
    const where = agent.path ? `${agent.path}${agent.version ? ` (${agent.version})` : ''}${agent.configured ? ' (as configured)' : ''}` : `not found: ${agent.problem}`;
    lines.push(`  ${agent.kind.padEnd(12)} ${where}`);
  }
  lines.push('', ...formatNativeReport(report.native));
  return lines.join('\n');
}
