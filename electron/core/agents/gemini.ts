import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Gemini CLI: `gemini -i "<prompt>"` runs the prompt and stays interactive; `gemini --resume
 * latest` resumes the most recent conversation of the folder.
 */
export const geminiAdapter: AgentAdapter = {
  kind: 'gemini',
  label: 'Gemini CLI',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/gemini'],
  permissionFlags: { all: ['--yolo'] },
  modelFlag: '--model',
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(geminiAdapter, task), ...modelArgs(geminiAdapter, task)];
    if (context.resume) {
      return { args: [...flags, '--resume', agentSessionId ?? 'latest'], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    const prompt = task.prompt.trim();
    return { args: [...flags, ...(prompt === '' ? [] : ['--prompt-interactive', prompt])], env: {}, agentSessionId, hooks: false };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [
        ...COMMON_QUESTIONS,
        /\bAllow execution\b/i,
        /\bDo you trust (?:this|the files in this) folder\b/i,
        /\bGet started\b/,
        /\bHow would you like to authenticate\b/i,
      ],
      busy: [...COMMON_BUSY],
      ready: [/Type your message/i],
    },
  },
};
