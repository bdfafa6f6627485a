import { randomUUID } from 'node:crypto';
import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { GEMINI_FAMILY_QUESTIONS } from './gemini';
import { COMMON_BUSY, COMMON_TITLE } from './stateSignals';

/**
 * Qwen Code (`@qwen-code/qwen-code`, a fork of Gemini CLI): `qwen --session-id <uuid> [-m <m>]
 * -i "<prompt>"` runs the prompt and stays interactive; `qwen --resume <uuid>` resumes it,
 * `--continue` the folder's latest session.
 *
 * No hooks, though it has Claude Code's: Qwen Code (0.15.10) loads hooks only from the user's own
 * `~/.qwen/settings.json` (QWEN_HOME moves it, and with it the user's sign-in and sessions) and from
 * a trusted workspace's `.qwen/settings.json`; the system settings file's hooks are not loaded, and
 * no flag gives any. Its state is read from title and screen.
 */
export const qwenAdapter: AgentAdapter = {
  kind: 'qwen',
  label: 'Qwen Code',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/qwen'],
  permissionFlags: { edits: ['--approval-mode', 'auto-edit'], all: ['--yolo'] },
  modelFlag: '--model',
  build({ task, context }) {
    let agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(qwenAdapter, task), ...modelArgs(qwenAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? ['--resume', agentSessionId] : ['--continue'];
      return { args: [...flags, ...which], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    agentSessionId ??= randomUUID();
    const prompt = task.prompt.trim();
    return {
      args: [...flags, '--session-id', agentSessionId, ...(prompt === '' ? [] : ['--prompt-interactive', prompt])],
      env: {},
      agentSessionId,
      hooks: false,
    };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [...GEMINI_FAMILY_QUESTIONS, /\bSelect Authentication Method\b/i],
      // Recorded (0.15.10): "⠋ I'm Feeling Lucky (0s · esc to cancel)" while a turn runs; the composer's placeholder at rest.
      busy: [...COMMON_BUSY],
      ready: [/Type your message/i],
    },
  },
};
