import { modelArgs, permissionArgs, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * OpenCode (`opencode-ai` on npm): `opencode [-m <provider/model>] [--auto] --prompt "<prompt>"`
 * starts its TUI with the prompt submitted; `opencode --session <id>` resumes a session,
 * `--continue` the latest one. Its models are always `provider/model`.
 */
export const opencodeAdapter: AgentAdapter = {
  kind: 'opencode',
  label: 'OpenCode',
  supportsHooks: false,
  extraLocations: ['~/.opencode/bin/opencode', '~/.local/bin/opencode'],
  permissionFlags: { all: ['--auto'] },
  modelFlag: '--model',
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(opencodeAdapter, task), ...modelArgs(opencodeAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? ['--session', agentSessionId] : ['--continue'];
      const followUp = context.followUp?.trim() ?? '';
      return { args: [...flags, ...which, ...(followUp === '' ? [] : ['--prompt', followUp])], env: {}, agentSessionId, hooks: false };
    }
    const prompt = task.prompt.trim();
    return { args: [...flags, ...(prompt === '' ? [] : ['--prompt', prompt])], env: {}, agentSessionId, hooks: false };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [...COMMON_QUESTIONS, /\bPermission required\b/i, /\bAllow (?:once|always)\b/i],
      busy: [...COMMON_BUSY, /\besc\s+interrupt\b/i],
      // Recorded (1.18.33): "tab agents  ctrl+p commands" under the composer.
      ready: [/\bctrl\+p\s+commands\b/i, /\btab\s+agents?\b/i],
    },
  },
};
