import { typedPrompt, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Any command line (an argv array from the task's options): the prompt is typed into it, given as
 * its last argument, or not given, as the task says. A resume runs the same command again.
 */
export const customCommandAdapter: AgentAdapter = {
  kind: 'custom',
  label: 'Custom command',
  supportsHooks: false,
  extraLocations: [],
  // Any program: its flags are whatever the task's command line says.
  permissionFlags: {},
  // The command line is the user's: a model, if any, is written in it.
  modelFlag: null,
  build({ task, context }) {
    const args = (task.command ?? []).slice(1);
    const delivery = task.promptDelivery ?? 'stdin';
    const agentSessionId = context.agentSessionId ?? null;
    const prompt = task.prompt.trim();
    if (context.resume || prompt === '' || delivery === 'none') return { args, env: {}, agentSessionId, hooks: false };
    if (delivery === 'argv') return { args: [...args, prompt], env: {}, agentSessionId, hooks: false };
    const initialInput = typedPrompt(prompt);
    return { args, env: {}, agentSessionId, hooks: false, ...(initialInput ? { initialInput } : {}) };
  },
  signals: {
    title: COMMON_TITLE,
    screen: { question: COMMON_QUESTIONS, busy: COMMON_BUSY, ready: [] },
  },
};
