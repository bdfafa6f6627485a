import type { AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Codex CLI: `codex "<prompt>"` starts the interactive TUI on the prompt; `codex resume <id>`
 * resumes a known conversation, `codex resume --last` the most recent one.
 */
export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  label: 'Codex CLI',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/codex'],
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    if (context.resume) {
      return { args: agentSessionId !== null ? ['resume', agentSessionId] : ['resume', '--last'], env: {}, agentSessionId, hooks: false };
    }
    const prompt = task.prompt.trim();
    const args = prompt === '' ? [] : prompt.startsWith('-') ? ['--', prompt] : [prompt];
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
