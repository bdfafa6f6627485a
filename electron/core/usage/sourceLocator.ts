import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { rolloutMeta } from './codexRollout';

/** A rollout that starts this long before its session is still its session's (clock steps, a slow start). */
const ROLLOUT_START_SLACK_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Claude Code's transcript of a conversation, where Claude Code keeps it: the folder named after
 * the working directory (every character but letters and digits as "-") under `projects` in its
 * config folder. Used when no hook reported `transcript_path` (hooks off).
 */
export function claudeTranscriptPath(cwd: string, agentSessionId: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const configDir = env.CLAUDE_CONFIG_DIR ?? join(homedir(), '.claude');
  const path = join(configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${agentSessionId}.jsonl`);
  return existsSync(path) ? path : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The rollout Codex wrote for a session that started at `startedAt` in `cwd`: the first one, in
 * the day folders since then, whose `session_meta` names that folder and starts no earlier.
 */
export function findCodexRollout(cwd: string, startedAt: number, now: number, env: NodeJS.ProcessEnv = process.env): string | null {
  const root = join(env.CODEX_HOME ?? join(homedir(), '.codex'), 'sessions');
  const found: { path: string; startedAt: number }[] = [];
  const seen = new Set<string>();
  // Codex names day folders by local date; a day either side covers a session across midnight.
  for (let at = startedAt - DAY_MS; at <= now + DAY_MS; at += DAY_MS) {
    const day = new Date(at);
    const dir = join(root, String(day.getFullYear()), pad(day.getMonth() + 1), pad(day.getDate()));
    if (seen.has(dir)) continue;
    seen.add(dir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith('rollout-') || !name.endsWith('.jsonl')) continue;
      const path = join(dir, name);
      if (statSync(path).mtimeMs < startedAt - ROLLOUT_START_SLACK_MS) continue;
      const meta = rolloutMeta(path);
      if (meta && meta.cwd === cwd && meta.startedAt >= startedAt - ROLLOUT_START_SLACK_MS) found.push({ path, startedAt: meta.startedAt });
    }
  }
  found.sort((a, b) => a.startedAt - b.startedAt);
  return found[0]?.path ?? null;
}
