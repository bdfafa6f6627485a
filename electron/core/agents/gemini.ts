import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * The Gemini CLI events whose hooks report state: a turn begins (BeforeAgent) and ends
 * (AfterAgent), tools run, and a Notification asks for a tool's permission. Each runs the relay
 * command, which posts the hook's JSON (on stdin, with `hook_event_name`) to the core.
 */
export const GEMINI_HOOK_EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'Notification', 'AfterAgent', 'SessionEnd'] as const;

/** The environment variable that names Gemini CLI's system settings file (read above the user's own). */
export const GEMINI_SYSTEM_SETTINGS_ENV = 'GEMINI_CLI_SYSTEM_SETTINGS_PATH';

/** Where Gemini CLI looks for system settings when the variable is not set (Linux). */
const DEFAULT_SYSTEM_SETTINGS = '/etc/gemini-cli/settings.json';

/** Milliseconds Gemini CLI gives a hook command; the relay needs well under one second. */
const HOOK_TIMEOUT_MS = 10_000;

/**
 * System settings that add our hooks to whatever system settings the machine has (hooks merge with
 * the user's and the project's: Gemini concatenates them). Null when the existing file cannot be
 * read as JSON: it is not replaced then, and the agent runs without hooks.
 */
export function geminiHookSettings(command: string, existing: string | null): Record<string, unknown> | null {
  let base: Record<string, unknown> = {};
  if (existing !== null) {
    try {
      const parsed = JSON.parse(existing) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
      base = parsed as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  const hooks: Record<string, unknown> = { ...((base.hooks as Record<string, unknown> | undefined) ?? {}) };
  for (const event of GEMINI_HOOK_EVENTS) {
    const theirs = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [...theirs, { matcher: '*', hooks: [{ name: 'switchyard', type: 'command', command, timeout: HOOK_TIMEOUT_MS }] }];
  }
  const hooksConfig = { ...((base.hooksConfig as Record<string, unknown> | undefined) ?? {}), enabled: true };
  return { ...base, hooksConfig, hooks };
}

/**
 * Writes the settings file for `command` once (its name is its content's digest) beside the other
 * temporary files, and returns its path; null when the machine's system settings cannot be merged.
 */
function hookSettingsFile(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const systemFile = env[GEMINI_SYSTEM_SETTINGS_ENV] || DEFAULT_SYSTEM_SETTINGS;
  const existing = existsSync(systemFile) ? readFileSync(systemFile, 'utf8') : null;
  const settings = geminiHookSettings(command, existing);
  if (settings === null) return null;
  const text = JSON.stringify(settings, null, 2);
  const file = join(tmpdir(), `switchyard-gemini-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  if (!existsSync(file)) writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** What Gemini CLI and the tools forked from it (Qwen Code) ask on screen. */
export const GEMINI_FAMILY_QUESTIONS: readonly RegExp[] = [
  ...COMMON_QUESTIONS,
  /\bAllow execution\b/i,
  /\bDo you trust (?:this|the files in this) folder\b/i,
  /\bGet started\b/,
  /\bHow would you like to authenticate\b/i,
];

/**
 * Gemini CLI: `gemini -i "<prompt>"` runs the prompt and stays interactive; `gemini --resume
 * latest` resumes the most recent conversation of the folder. With hooks, a system settings file
 * (GEMINI_CLI_SYSTEM_SETTINGS_PATH, in the agent's environment only) adds ours beside the user's.
 */
export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  label: 'Gemini CLI',
  supportsHooks: true,
  extraLocations: ['~/.local/bin/gemini'],
  permissionFlags: { all: ['--yolo'] },
  modelFlag: '--model',
  build({ task, context, hooks }) {
    const agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(geminiAdapter, task), ...modelArgs(geminiAdapter, task)];
    const settings = hooks === null ? null : hookSettingsFile(hooks.command);
    const env = hooks !== null && settings !== null ? { ...hooks.env, [GEMINI_SYSTEM_SETTINGS_ENV]: settings } : {};
    const withHooks = settings !== null;
    if (context.resume) {
      return { args: [...flags, '--resume', agentSessionId ?? 'latest'], env, agentSessionId, hooks: withHooks, ...typedFollowUp(context) };
    }
    const prompt = task.prompt.trim();
    return { args: [...flags, ...(prompt === '' ? [] : ['--prompt-interactive', prompt])], env, agentSessionId, hooks: withHooks };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: GEMINI_FAMILY_QUESTIONS,
      busy: [...COMMON_BUSY],
      ready: [/Type your message/i],
    },
  },
};
