import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Codex CLI: `codex --no-daemon "<prompt>"` starts the interactive TUI on the prompt; `codex
 * --no-daemon resume <id>` resumes a known conversation, `… resume --last` the most recent one.
 * Without `--no-daemon`, Codex (0.169) starts a shared background server that leaves the session's
 * process group and outlives it, so stopping the session would not stop everything it started.
 *
 * No hooks: Codex (0.171) runs hooks given with `-c features.codex_hooks=true -c hooks.<Event>=…`
 * only once the user has trusted them in a "Hooks need review" dialog ("3 hooks are new or
 * changed"), shown at every start whose hook command is new to it, and its `notify` program only
 * tells a finished turn. Its state is read from title and screen.
 */
const NO_DAEMON = '--no-daemon';
export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  label: 'Codex CLI',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/codex'],
  permissionFlags: { edits: ['--full-auto'], all: ['--dangerously-bypass-approvals-and-sandbox'] },
  modelFlag: '--model',
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    const flags = [NO_DAEMON, ...permissionArgs(codexAdapter, task), ...modelArgs(codexAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? [agentSessionId] : ['--last'];
      return { args: [...flags, 'resume', ...which], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    const prompt = task.prompt.trim();
    const args = [...flags, ...(prompt === '' ? [] : prompt.startsWith('-') ? ['--', prompt] : [prompt])];
    return { args, env: {}, agentSessionId, hooks: false };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [
        ...COMMON_QUESTIONS,
        /\bAllow Codex to\b/i,
        /\bWould you like to (?:run|make|apply)\b/i,
        /\bYes, (?:proceed|allow|continue)\b/,
        /\bSign in with ChatGPT\b/,
        /\bTrust this folder\?/,
      ],
      busy: [...COMMON_BUSY, /\bWorking\s*\(\d+s\b/],
      ready: [/⏎ send/, /\bsend\s+⌃J newline\b/, /\? for shortcuts/, /context left\b/],
    },
  },
};
