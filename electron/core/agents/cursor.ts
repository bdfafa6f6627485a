import { modelArgs, permissionArgs, promptArgs, typedFollowUp, type AgentAdapter } from './adapter';
import { COMMON_BUSY, COMMON_QUESTIONS, COMMON_TITLE } from './stateSignals';

/**
 * Cursor's CLI (`cursor-agent`, installed by cursor.com/install, not from npm): `cursor-agent
 * [--model <m>] [--force] "<prompt>"` starts the interactive agent on the prompt; `cursor-agent
 * --resume <chat id>` resumes a chat, `--continue` the latest one. Its `-p` (print) mode runs one
 * prompt headless and exits, so it is not used: a session is the interactive agent.
 *
 * It cannot be installed here; its flags and screen come from its documentation and are checked
 * against tests/fixtures/recordings/cursor/ (a session written from that documentation).
 */
export const cursorAdapter: AgentAdapter = {
  kind: 'cursor',
  label: 'Cursor CLI',
  supportsHooks: false,
  extraLocations: ['~/.local/bin/cursor-agent'],
  // --force runs every command unless a rule denies it; there is no edits-only flag.
  permissionFlags: { all: ['--force'] },
  modelFlag: '--model',
  build({ task, context }) {
    const agentSessionId = context.agentSessionId ?? null;
    const flags = [...permissionArgs(cursorAdapter, task), ...modelArgs(cursorAdapter, task)];
    if (context.resume) {
      const which = agentSessionId !== null ? ['--resume', agentSessionId] : ['--continue'];
      return { args: [...flags, ...which], env: {}, agentSessionId, hooks: false, ...typedFollowUp(context) };
    }
    return { args: [...flags, ...promptArgs(task.prompt)], env: {}, agentSessionId, hooks: false };
  },
  signals: {
    title: COMMON_TITLE,
    screen: {
      question: [
        ...COMMON_QUESTIONS,
        /\bRun this command\?/i,
        /\bRun \(once\)|\(y\) Run\b|\bRun once\b.*\(y\)/i,
        /\bTrust this workspace\b|\bDo you trust\b/i,
        /\bLog in to Cursor\b|\bPress any key to (?:log|sign) in\b/i,
      ],
      busy: [...COMMON_BUSY, /\bctrl\+c to stop\b/i, /^\s*[⬡⬢]\s+(?:Generating|Thinking|Reading|Editing|Running)\b/u],
      ready: [/\bPlan, search, build anything\b/i, /\bAdd a follow-up\b/i],
    },
  },
};
