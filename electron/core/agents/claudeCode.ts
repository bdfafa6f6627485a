import { randomUUID } from 'node:crypto';
import { modelArgs, permissionArgs, type AgentAdapter } from './adapter';
import { PERMISSION_RELAY_TIMEOUT_MS } from './hookRelay';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * The Claude Code events whose hooks report state. Each runs the relay command, which posts the
 * hook's JSON to the core. PermissionRequest announces a permission question (the Notification
 * for it comes seconds later or, in some versions, not at all); PostToolUse tells it was answered.
 * StopFailure is fired instead of Stop when an API error (a usage or rate limit) ended the turn.
 */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PermissionRequest',
  'PostToolUse',
  'Notification',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;

/** Seconds Claude Code gives a hook command before killing it; the relay needs well under one. */
const HOOK_COMMAND_TIMEOUT_S = 10;

/** Seconds for the PermissionRequest hook, whose answer the core may hold for the user (PERMISSION_HOLD_MS). */
const PERMISSION_HOOK_TIMEOUT_S = Math.ceil(PERMISSION_RELAY_TIMEOUT_MS / 1000) + 5;

/** `--settings` JSON that adds our hooks beside the user's own settings (which stay untouched). */
export function claudeHookSettings(command: string): string {
  const hooks: Record<string, unknown> = {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    const timeout = event === 'PermissionRequest' ? PERMISSION_HOOK_TIMEOUT_S : HOOK_COMMAND_TIMEOUT_S;
    hooks[event] = [{ matcher: '', hooks: [{ type: 'command', command, timeout }] }];
  }
  return JSON.stringify({ hooks });
}

/**
 * Claude Code: `claude --session-id <uuid> -n <title> --settings <json> [<preset flags>] [--model <m>] [--] "<prompt>"`
 * for a new run, `claude --resume <uuid> -n <title> --settings <json> [<preset flags>] ["<follow-up>"]`
 * to resume.
 */
export const claudeCodeAdapter: AgentAdapter = {
  kind: 'claude-code',
  label: 'Claude Code',
  supportsHooks: true,
  extraLocations: ['~/.claude/local/claude', '~/.local/bin/claude'],
  permissionFlags: { edits: ['--permission-mode', 'acceptEdits'], all: ['--dangerously-skip-permissions'] },
  modelFlag: '--model',
  build({ task, context, hooks }) {
    const args: string[] = [];
    let agentSessionId = context.agentSessionId ?? null;
    if (context.resume && agentSessionId !== null) args.push('--resume', agentSessionId);
    else if (context.resume) args.push('--continue');
    else {
      agentSessionId ??= randomUUID();
      args.push('--session-id', agentSessionId);
    }
    if (task.title.trim() !== '') args.push('-n', task.title.trim());
    if (hooks !== null) args.push('--settings', claudeHookSettings(hooks.command));
    args.push(...permissionArgs(claudeCodeAdapter, task), ...modelArgs(claudeCodeAdapter, task));
    const prompt = (context.resume ? (context.followUp ?? '') : task.prompt).trim();
    if (prompt !== '') {
      if (prompt.startsWith('-')) args.push('--');
      args.push(prompt);
    }
    return { args, env: hooks?.env ?? {}, agentSessionId, hooks: hooks !== null };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: COMMON_QUESTIONS,
      busy: [...COMMON_BUSY, /^[·✢✳✶✻✽*]\s+\S.*…/u],
      ready: [/\? for shortcuts/, /^[>❯]\s*$/],
    },
  },
};
