import { randomUUID } from 'node:crypto';
import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * GitHub Copilot CLI (`@github/copilot`): `copilot --session-id <uuid> [--model <m>] -i "<prompt>"`
 * starts the interactive CLI on the prompt with a session id we choose; `copilot --resume <uuid>`
 * resumes it, `--continue` the latest session.
 */
export const copilotAdapter: AgentAdapter = {
  kind: 'copilot',
  label: 'GitHub Copilot CLI',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/copilot'],
  permissionFlags: { edits: ['--allow-tool', 'write'], all: ['--allow-all-tools'] },
  modelFlag: '--model',
  build({ task, context }) {
    let agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(copilotAdapter, task), ...modelArgs(copilotAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? ['--resume', agentSessionId] : ['--continue'];
      return { args: [...flags, ...which], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    agentSessionId ??= randomUUID();
    const prompt = task.prompt.trim();
    return { args: [...flags, '--session-id', agentSessionId, ...(prompt === '' ? [] : ['-i', prompt])], env: {}, agentSessionId, hooks: false };
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
