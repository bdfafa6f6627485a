import type { AgentKind, PolicyPreset } from '../../../shared/contract';
import type { AgentLaunch } from '../sessions/launch';
import type { StateSignals } from './stateSignals';

/** What a task asks of an agent, as the session host knows it when it starts a session. */
export interface LaunchTask {
  kind: AgentKind;
  title: string;
  prompt: string;
  /** The working directory: the task's worktree (the repository itself until worktrees exist). */
  cwd: string;
  /** The custom kind only: the program and its arguments, not a shell string. */
  command?: readonly string[];
  /** The custom kind only: how the prompt reaches the program (default: typed into it). */
  promptDelivery?: PromptDelivery;
  /** The permission preset of the task's project (default: ask), given as the agent's own flags. */
  permissions?: PolicyPreset;
  /** The model the task asks for (agentOptions.model, e.g. from a plan's "Claude Code (Opus)"), given with the agent's own flag. */
  model?: string;
}

/** `argv`: appended as the last argument; `stdin`: typed into the pty; `none`: not given. */
export type PromptDelivery = 'argv' | 'stdin' | 'none';

export interface LaunchContext {
  /** Switchyard's own session id: hook payloads are routed and authenticated by it. */
  sessionId: string;
  /**
   * The agent's own conversation id, stored by the host. For Claude Code a new run passes it as
   * `--session-id` (one is made when absent) and a resume passes it to `--resume`.
   */
  agentSessionId?: string | null;
  resume: boolean;
  /** With `resume`: a message the resumed conversation is given at once, e.g. to finish interrupted work. */
  followUp?: string;
}

/** A launch plus what the host must remember about it. */
export interface ResolvedLaunch extends AgentLaunch {
  kind: AgentKind;
  /** The conversation id to store for a later resume, when the agent takes one from us. */
  agentSessionId: string | null;
  /** Whether the agent will report its state through hooks (then hooks outrank title and screen). */
  hooks: boolean;
}

/** The relay that hook commands use to reach the core, when hooks are available. */
export interface HookWiring {
  /** A shell command line that reads a hook's JSON on stdin and posts it to the core. */
  command: string;
  /** Variables the command needs (URL, token, session id); they go into the agent's environment. */
  env: Record<string, string>;
  /**
   * The same relay as a program and its arguments, for an agent that runs a notify program (the
   * JSON appended as the last argument), followed by `chained` — the user's own notify program,
   * which the relay starts too.
   */
  argv(chained?: readonly string[]): string[];
}

export interface AdapterInput {
  binary: string;
  task: LaunchTask;
  context: LaunchContext;
  hooks: HookWiring | null;
  /** The user's home folder (the launcher's `home`), where agents keep their own configuration. */
  home?: string;
}

export type AdapterLaunch = Omit<ResolvedLaunch, 'file' | 'cwd' | 'kind'>;

/** One agent kind: where its binary is, how to start and resume it, how to read its state. */
export interface AgentAdapter {
  kind: AgentKind;
  /** Human name for messages. */
  label: string;
  /** Whether the agent can be given hooks that report its state. */
  supportsHooks: boolean;
  /** Install locations to try after PATH (absolute, or starting with `~/`). */
  extraLocations: readonly string[];
  /** The agent's own flags for a permission preset; a preset it has no flag for adds nothing. */
  permissionFlags: Partial<Record<PolicyPreset, readonly string[]>>;
  /** The agent's flag that chooses the model (`--model`), or null when it has none (the model is then not given). */
  modelFlag: string | null;
  build(input: AdapterInput): AdapterLaunch;
  signals: StateSignals;
}

/** The flags that give the agent the task's permission preset. */
export function permissionArgs(adapter: Pick<AgentAdapter, 'permissionFlags'>, task: LaunchTask): string[] {
  return [...(adapter.permissionFlags[task.permissions ?? 'ask'] ?? [])];
}

/** The flag and value that choose the task's model, when it names one and the agent takes one. */
export function modelArgs(adapter: Pick<AgentAdapter, 'modelFlag'>, task: LaunchTask): string[] {
  const model = task.model?.trim() ?? '';
  return adapter.modelFlag === null || model === '' ? [] : [adapter.modelFlag, model];
}

/** The prompt as the last argument: none when empty, after `--` when it starts with a dash. */
export function promptArgs(prompt: string): string[] {
  const text = prompt.trim();
  if (text === '') return [];
  return text.startsWith('-') ? ['--', text] : [text];
}

/** With a resume that carries a follow-up, the follow-up as typed keys for the agent's prompt. */
export function typedFollowUp(context: LaunchContext): { initialInput: string } | Record<string, never> {
  const initialInput = context.resume && context.followUp !== undefined ? typedPrompt(context.followUp) : undefined;
  return initialInput ? { initialInput } : {};
}

/**
 * The prompt as typed keys, Enter last. A prompt of several lines goes in as a bracketed paste so
 * that its newlines stay text instead of submitting each line.
 */
export function typedPrompt(prompt: string): string | undefined {
  const text = prompt.trim();
  if (text === '') return undefined;
  if (!/[\r\n]/.test(text)) return `${text}\r`;
  return `\x1b[200~${text.replace(/\r\n?/g, '\n')}\x1b[201~\r`;
}
