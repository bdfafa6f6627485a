import type { AgentKind, PolicyPreset, Task } from '../../../shared/contract';
import type { AgentLaunch } from '../sessions/launch';
import type { TaskLauncher } from '../sessions/taskLauncher';
import { noTerminalObserver, type CreateTerminalObserver } from '../sessions/terminalObserver';
import type { PromptDelivery, ResolvedLaunch } from './adapter';
import type { AgentServices } from './agentServices';
import { HOOK_ENV } from './hookRelay';
import type { UsageLimit } from './usageLimits';

/**
 * Joins the agent side to the session host: a task's session runs its agent in the task's
 * worktree (prepared on the first start), and is watched by that agent kind's state observer.
 *
 * This glue lives in agents/, not in sessions/, because sessions/ is the lower layer: the host runs
 * any program in a pty and knows no agent kind — it is handed a `TaskLauncher` and a `CreateTerminalObserver`
 * and nothing more. Agents know which program a task needs and how to read its state, so they plug
 * into those two seams. agents/ may import sessions/; sessions/ never imports agents/
 * (eslint.config.js). The worktree comes in as a function, so that agents/ needs no worktrees/
 * (which looks up binaries in agents/).
 */
export class SessionBridge {
  /** Launches by session, so that the observer knows the agent kind and whether hooks report. */
  private readonly launches = new Map<string, ResolvedLaunch>();

  constructor(
    private readonly deps: {
      agents: AgentServices;
      /** Makes the task's worktree ready (created on the first start) and says where it is. */
      prepareWorkspace: (task: Task) => Promise<{ path: string }>;
      onAgentSessionId: (sessionId: string, agentSessionId: string) => void;
      /** The session's agent reported a usage or rate limit. */
      onUsageLimit?: (sessionId: string, limit: UsageLimit) => void;
      /** The session's agent named the file it records the conversation in (its usage is read from it). */
      onTranscriptPath?: (sessionId: string, path: string) => void;
      /** The permission preset in force for the task's project, read at every start. */
      permissionPreset?: (task: Task) => PolicyPreset;
    },
  ) {}

  readonly launcher: TaskLauncher = async (task, request) => {
    const workspace = await this.deps.prepareWorkspace(task);
    const options = task.agentOptions as { command?: unknown; promptDelivery?: unknown; model?: unknown };
    const command = Array.isArray(options.command) && options.command.every((a) => typeof a === 'string') ? (options.command as string[]) : undefined;
    const delivery = ['argv', 'stdin', 'none'].includes(options.promptDelivery as string) ? (options.promptDelivery as PromptDelivery) : undefined;
    const model = typeof options.model === 'string' && options.model.trim() !== '' ? options.model.trim() : undefined;
    const launch = await this.deps.agents.resolveLaunch(
      {
        kind: task.agentKind,
        title: task.title,
        prompt: promptWithContext(task),
        cwd: workspace.path,
        ...(command ? { command } : {}),
        ...(delivery ? { promptDelivery: delivery } : {}),
        ...(model ? { model } : {}),
        ...(this.deps.permissionPreset ? { permissions: this.deps.permissionPreset(task) } : {}),
      },
      {
        sessionId: request.sessionId,
        agentSessionId: request.agentSessionId,
        resume: request.resume,
        ...(request.followUp !== undefined ? { followUp: request.followUp } : {}),
      },
    );
    this.launches.set(request.sessionId, launch);
    // The host stores an agent conversation id only when the agent has one.
    const { agentSessionId, ...rest } = launch;
    return agentSessionId ? { ...rest, agentSessionId } : rest;
  };

  /**
   * A session a session host kept running while no core ran: watched as its agent kind is, with
   * hooks when its launch carried a hook token.
   */
  adopt(sessionId: string, kind: AgentKind, launch: AgentLaunch): void {
    if (this.launches.has(sessionId)) return;
    this.launches.set(sessionId, { ...launch, kind, agentSessionId: null, hooks: launch.env[HOOK_ENV.token] !== undefined });
  }

  readonly createObserver: CreateTerminalObserver = (session, report) => {
    const launch = this.launches.get(session.sessionId);
    // A session this bridge did not launch (a launcher given by the caller) has no agent to read.
    if (!launch) return noTerminalObserver(session, report);
    const observer = this.deps.agents.createStateObserver({
      kind: launch.kind,
      sessionId: session.sessionId,
      hooks: launch.hooks,
      onChange: report,
      onAgentSessionId: (id) => this.deps.onAgentSessionId(session.sessionId, id),
      ...(this.deps.onUsageLimit ? { onUsageLimit: (limit: UsageLimit) => this.deps.onUsageLimit?.(session.sessionId, limit) } : {}),
      ...(this.deps.onTranscriptPath ? { onTranscriptPath: (path: string) => this.deps.onTranscriptPath?.(session.sessionId, path) } : {}),
    });
    return {
      onOutput: (text) => observer.onOutput(text),
      onTitle: (title) => observer.onTitle(title),
      onInput: (text) => observer.onInput(text),
      onScreen: (lines) => observer.onScreen(lines),
      onExit: (code, signal) => observer.onExit(code, signal),
      dispose: () => {
        void observer.dispose();
        this.launches.delete(session.sessionId);
      },
    };
  };
}

/** The task's prompt, followed by the context documents it must read. */
export function promptWithContext(task: Pick<Task, 'prompt' | 'title' | 'contextDocs'>): string {
  const prompt = task.prompt.trim() === '' ? task.title : task.prompt;
  if (task.contextDocs.length === 0) return prompt;
  const docs = task.contextDocs.map((doc) =>
    doc.kind === 'file' ? `- Read the file ${doc.path}` : `- ${doc.title ?? 'Note'}:\n${doc.text}`,
  );
  return `${prompt}\n\nContext:\n${docs.join('\n')}`;
}
