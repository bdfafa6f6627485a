import { isAbsolute, resolve } from 'node:path';
import type { AgentKind } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { AgentAdapter, HookWiring, LaunchContext, LaunchTask, ResolvedLaunch } from './adapter';
import { aiderAdapter } from './aider';
import { ampAdapter } from './amp';
import { AGENT_BINARIES } from './binaries';
import { claudeCodeAdapter } from './claudeCode';
import { codexAdapter } from './codex';
import { copilotAdapter } from './copilot';
import { cursorAdapter } from './cursor';
import { customCommandAdapter } from './customCommand';
import { geminiAdapter } from './gemini';
import type { HookServer } from './hookServer';
import { HOOK_ENV, hookRelayArgv, hookRelayCommand } from './hookRelay';
import { locateBinary } from './locate';
import { opencodeAdapter } from './opencode';
import { qwenAdapter } from './qwen';

export const AGENT_ADAPTERS: Record<AgentKind, AgentAdapter> = {
  'claude-code': claudeCodeAdapter,
  codex: codexAdapter,
  gemini: geminiAdapter,
  aider: aiderAdapter,
  cursor: cursorAdapter,
  opencode: opencodeAdapter,
  copilot: copilotAdapter,
  qwen: qwenAdapter,
  amp: ampAdapter,
  custom: customCommandAdapter,
};

export interface AgentLauncherOptions {
  /** Where hooks report; without it, agents run without hooks and are read from title and screen. */
  hookServer?: HookServer;
  /**
   * A configured executable per kind; when set, it is the only place looked at. A function is
   * asked at every launch, so that a changed setting applies to the next start.
   */
  binaryPaths?: Partial<Record<AgentKind, string>> | (() => Partial<Record<AgentKind, string>>);
  /** PATH to search (default: this process's). The host should pass its login environment's PATH. */
  pathEnv?: string;
  /** Home folder for `~/` install locations (default: the user's). */
  home?: string;
  /** The Node-compatible runtime that runs the hook relay (default: process.execPath). */
  relayRuntime?: string;
}

export interface AgentLauncher {
  /** The program, argv, environment and typed input that start (or resume) the task's agent. */
  resolveLaunch(task: LaunchTask, context: LaunchContext): Promise<ResolvedLaunch>;
}

export function createAgentLauncher(options: AgentLauncherOptions = {}): AgentLauncher {
  return {
    async resolveLaunch(task, context) {
      const adapter = AGENT_ADAPTERS[task.kind];
      const binary = await findBinary(adapter, task, options);
      let hooks: HookWiring | null = null;
      if (adapter.supportsHooks && options.hookServer !== undefined) {
        const url = await options.hookServer.listen();
        const token = options.hookServer.authorize(context.sessionId);
        hooks = {
          command: hookRelayCommand(options.relayRuntime),
          env: { [HOOK_ENV.url]: url, [HOOK_ENV.token]: token, [HOOK_ENV.session]: context.sessionId },
          argv: (chained = []) => hookRelayArgv(options.relayRuntime, chained),
        };
      }
      const built = adapter.build({ binary, task, context, hooks, ...(options.home !== undefined ? { home: options.home } : {}) });
      return { kind: task.kind, file: binary, cwd: task.cwd, ...built };
    },
  };
}

async function findBinary(adapter: AgentAdapter, task: LaunchTask, options: AgentLauncherOptions): Promise<string> {
  const locate = { pathEnv: options.pathEnv, home: options.home };
  if (adapter.kind !== 'custom') {
    const names = AGENT_BINARIES[adapter.kind];
    const configured = typeof options.binaryPaths === 'function' ? options.binaryPaths() : options.binaryPaths;
    return locateBinary(adapter.label, names, adapter.extraLocations, { ...locate, override: configured?.[adapter.kind] });
  }
  const program = task.command?.[0];
  if (program === undefined || program.trim() === '') {
    throw new SwitchyardError('BAD_INPUT', 'A custom command task needs a command line to run.', { command: task.command ?? [] });
  }
  // A program named with a path is taken as given (relative to the task's folder); a bare name is looked up on PATH.
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(task.cwd, program);
    return locateBinary(adapter.label, [], [], { ...locate, override: path });
  }
  return locateBinary(adapter.label, [program], [], locate);
}
