import { execFile } from 'node:child_process';
import which from 'which';
import type { AgentKind } from '../../../shared/contract';

/** How long `<agent> --version` may take before the doctor gives up on it (ms). */
const VERSION_PROBE_TIMEOUT_MS = 5_000;

/** The executable names each agent kind is known by, in the order they are looked for. */
export const AGENT_BINARIES: Record<Exclude<AgentKind, 'custom'>, readonly string[]> = {
  'claude-code': ['claude'],
  codex: ['codex'],
  gemini: ['gemini'],
  aider: ['aider'],
  cursor: ['cursor-agent'],
  opencode: ['opencode'],
  copilot: ['copilot'],
  qwen: ['qwen'],
  amp: ['amp'],
};

/** The absolute path of an executable on PATH (or the given PATH), or null. */
export async function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): Promise<string | null> {
  return which(name, { path: pathEnv, nothrow: true });
}

/** What `<binary> --version` prints first, or null when it fails or hangs. */
export function probeVersion(binary: string): Promise<string | null> {
  return new Promise((done) => {
    execFile(binary, ['--version'], { timeout: VERSION_PROBE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) return done(null);
      const line = `${stdout}${stderr}`.split('\n').find((l) => l.trim() !== '');
      done(line?.trim() ?? null);
    });
  });
}
