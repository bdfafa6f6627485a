import { modelArgs, typedFollowUp, typedPrompt, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Aider: started plain and given the prompt by typing it (`--message` would exit after one
 * reply); `--restore-chat-history` resumes the folder's chat.
 */
export const aiderAdapter: AgentAdapter = {
  kind: 'aider',
  label: 'Aider',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/aider'],
  // Aider asks before it runs a command; it has no flag this could map to without also accepting every question.
  permissionFlags: {},
  modelFlag: '--model',
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    const model = modelArgs(aiderAdapter, task);
    if (context.resume) return { args: [...model, '--restore-chat-history'], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    const initialInput = typedPrompt(task.prompt);
    return { args: model, env: {}, agentSessionId, hooks: false, ...(initialInput ? { initialInput } : {}) };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [...COMMON_QUESTIONS, /\(Y\)es\/\(N\)o/, /\[Yes\]:\s*$/],
      busy: [...COMMON_BUSY, /\bWaiting for\b.*\.\.\./],
      ready: [/^(?:\w+ )?>\s*$/],
    },
  },
};
