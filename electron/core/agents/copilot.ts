import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { HOOK_ENV } from './hookRelay';
import { COPILOT_HOOK_EVENTS } from './hookServer';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/** Seconds Copilot CLI gives a hook command; the relay needs well under one. */
const HOOK_TIMEOUT_S = 10;

/**
 * The plugin that carries our hooks (`hooks.json`, version 1), as `--plugin-dir` loads it for one
 * run: each event's command is the relay, told which event it runs for (Copilot's hook JSON does
 * not say). The user's hooks (~/.copilot, the repository's .github/hooks) run beside it, untouched.
 */
export function copilotHookPlugin(command: string): { 'plugin.json': string; 'hooks.json': string } {
  const hooks = Object.fromEntries(
    Object.keys(COPILOT_HOOK_EVENTS).map((event) => [event, [{ type: 'command', bash: `${HOOK_ENV.event}=${event} ${command}`, timeoutSec: HOOK_TIMEOUT_S }]]),
  );
  return {
    'plugin.json': JSON.stringify({ name: 'switchyard', version: '1.0.0', description: 'Reports the session state to Switchyard.' }),
    'hooks.json': JSON.stringify({ version: 1, hooks }, null, 2),
  };
}

/** Writes the plugin for `command` once (its folder is named by its content's digest) and returns its folder. */
function hookPluginDir(command: string): string {
  const files = copilotHookPlugin(command);
  const digest = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `switchyard-copilot-${digest}`);
  if (!existsSync(join(dir, 'hooks.json'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
  }
  return dir;
}

/**
 * GitHub Copilot CLI (`@github/copilot`): `copilot --session-id <uuid> [--model <m>] -i "<prompt>"`
 * starts the interactive CLI on the prompt with a session id we choose; `copilot --resume <uuid>`
 * resumes it, `--continue` the latest session. With hooks, `--plugin-dir` loads a plugin of ours
 * whose hooks report the state (checked against Copilot CLI 1.0.102: sessionStart,
 * userPromptSubmitted, preToolUse, the permission notification and agentStop fire with the
 * session id we gave).
 */
export const copilotAdapter: AgentAdapter = {
  kind: 'copilot',
  label: 'GitHub Copilot CLI',
  supportsHooks: true,
  extraLocations: ['~/.local/bin/copilot'],
  permissionFlags: { edits: ['--allow-tool', 'write'], all: ['--allow-all-tools'] },
  modelFlag: '--model',
  build({ task, context, hooks }) {
    let agentSessionId = context.agentSessionId ?? null;
    const plugin = hooks === null ? [] : ['--plugin-dir', hookPluginDir(hooks.command)];
    const env = hooks?.env ?? {};
    const flags = [...plugin, ...permissionArgs(copilotAdapter, task), ...modelArgs(copilotAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? ['--resume', agentSessionId] : ['--continue'];
      return { args: [...flags, ...which], env, agentSessionId, hooks: hooks !== null, ...typedFollowUp(context) };
    }
    agentSessionId ??= randomUUID();
    const prompt = task.prompt.trim();
    return { args: [...flags, '--session-id', agentSessionId, ...(prompt === '' ? [] : ['-i', prompt])], env, agentSessionId, hooks: hooks !== null };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      // Recorded (1.0.102): the folder-trust dialog, and "Please use /login to sign in to use Copilot" without an account.
      question: [...COMMON_QUESTIONS, /\bConfirm folder trust\b/i, /\bDo you trust the files in this folder\?/i, /\bPlease use \/login\b/i],
      busy: [...COMMON_BUSY, /\bEsc to cancel\b/],
      // Its footer under the composer: "… · / commands · ? help · tab next tab".
      ready: [/\/ commands · \? help\b/],
    },
  },
};
