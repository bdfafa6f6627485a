import { modelArgs, permissionArgs, typedFollowUp, type AgentAdapter, type HookWiring } from './adapter';
import { codexConfigFile, userCodexNotify } from './codexNotify';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Codex CLI: `codex --no-daemon "<prompt>"` starts the interactive TUI on the prompt; `codex
 * --no-daemon resume <id>` resumes a known conversation, `… resume --last` the most recent one.
 * Without `--no-daemon`, Codex (0.169) starts a shared background server that leaves the session's
 * process group and outlives it, so stopping the session would not stop everything it started.
 *
 * Its `notify` program reports to the core: `-c notify=[<relay>…]` makes Codex run the relay after
 * every turn with `{"type":"agent-turn-complete","thread-id",…}` as its last argument, in the
 * session's environment (so with the session's token). That is a finished turn (read as a Stop
 * hook: idle) and the thread id, stored so that a resume is `resume <id>` (the turns of threads the
 * TUI runs for itself, such as the one that names the task, are told too and set aside: see
 * hookServer.ts CODEX_BACKGROUND_PROMPTS). Checked against Codex 0.171 itself. Notify tells nothing
 * else, so title and screen still decide questions and new turns (signals.hooks: 'turn-end').
 * The override replaces the user's own `notify` for the launch: the relay starts that program too
 * (see codexNotify.ts); one we cannot read is left in force and Codex runs without ours.
 *
 * Not its hooks: Codex (0.171) runs hooks given with `-c features.codex_hooks=true -c hooks.<Event>=…`
 * only once the user has trusted them in a "Hooks need review" dialog ("3 hooks are new or
 * changed"), shown at every start whose hook command is new to it.
 */
const NO_DAEMON = '--no-daemon';

/** `-c notify=[…]`: the relay (and the user's own program after it) as a TOML array; JSON strings are TOML basic strings. */
function notifyArgs(hooks: HookWiring | null, home: string | undefined): string[] {
  if (hooks === null) return [];
  const theirs = userCodexNotify(codexConfigFile(home));
  if (theirs.kind === 'unreadable') return [];
  return ['-c', `notify=${JSON.stringify(hooks.argv(theirs.kind === 'program' ? theirs.argv : []))}`];
}

export const codexAdapter: AgentAdapter = {
  kind: 'codex',
  label: 'Codex CLI',
  supportsHooks: true,
  extraLocations: ['~/.local/bin/codex'],
  permissionFlags: { edits: ['--full-auto'], all: ['--dangerously-bypass-approvals-and-sandbox'] },
  modelFlag: '--model',
  build({ task, context, hooks, home }) {
    const agentSessionId = context.agentSessionId ?? null;
    const notify = notifyArgs(hooks, home);
    const reporting = notify.length > 0;
    const env = reporting && hooks !== null ? hooks.env : {};
    const flags = [NO_DAEMON, ...notify, ...permissionArgs(codexAdapter, task), ...modelArgs(codexAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? [agentSessionId] : ['--last'];
      return { args: [...flags, 'resume', ...which], env, agentSessionId, hooks: reporting, ...typedFollowUp(context) };
    }
    const prompt = task.prompt.trim();
    const args = [...flags, ...(prompt === '' ? [] : prompt.startsWith('-') ? ['--', prompt] : [prompt])];
    return { args, env, agentSessionId, hooks: reporting };
  },
  signals: {
    hooks: 'turn-end',
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
