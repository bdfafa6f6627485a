import { typedFollowUp, typedPrompt, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Amp (`@ampcode/cli`): started plain and given the prompt by typing it (`-x` would run it
 * headless and exit); `amp threads continue <thread id>` resumes a thread, `… --last` the latest
 * one of the folder. Amp picks its model itself (its `--mode` chooses a tier, not a model), so a
 * model a plan names is not given.
 */
export const ampAdapter: AgentAdapter = {
  kind: 'amp',
  label: 'Amp',
  supportsHooks: false,
  extraLocations: ['~/.amp/bin/amp', '~/.local/bin/amp'],
  // Amp's "allow all" is a setting (amp.dangerouslyAllowAll), not a flag.
  permissionFlags: {},
  modelFlag: null,
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    if (context.resume) {
      const which = agentSessionId !== null ? [agentSessionId] : ['--last'];
      return { args: ['threads', 'continue', ...which], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    const initialInput = typedPrompt(task.prompt);
    return { args: [], env: {}, agentSessionId, hooks: false, ...(initialInput ? { initialInput } : {}) };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      // Recorded (0.0.1790142911): "Would you like to log in to Amp? [(y)es, (n)o]:" without an API key.
      question: [...COMMON_QUESTIONS, /\blog in to Amp\?/i, /\[\(y\)es, \(n\)o\]/i],
      busy: [...COMMON_BUSY],
      ready: [],
    },
  },
};
