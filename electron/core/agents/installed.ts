import type { AgentKind } from '../../../shared/contract';
import { settingDefinitions, type SettingKey } from '../../../shared/contract/settings';
import { SwitchyardError } from '../../../shared/errors';
import { AGENT_BINARIES } from './binaries';
import { AGENT_ADAPTERS } from './launcher';
import { executableProblem, locateBinary } from './locate';

/** The user setting that names each agent's program (user scope only). */
export const AGENT_PATH_SETTINGS = {
  'claude-code': 'agents.claudePath',
  codex: 'agents.codexPath',
  gemini: 'agents.geminiPath',
  aider: 'agents.aiderPath',
  cursor: 'agents.cursorPath',
  opencode: 'agents.opencodePath',
  copilot: 'agents.copilotPath',
  qwen: 'agents.qwenPath',
  amp: 'agents.ampPath',
} as const satisfies Record<Exclude<AgentKind, 'custom'>, SettingKey>;

export type AgentPathSetting = (typeof AGENT_PATH_SETTINGS)[keyof typeof AGENT_PATH_SETTINGS];

/** The configured program of each agent kind that has one, read through `value` (a settings lookup). */
export function configuredAgentPaths(value: (key: AgentPathSetting) => string | null | undefined): Partial<Record<AgentKind, string>> {
  const paths: Partial<Record<AgentKind, string>> = {};
  for (const [kind, key] of Object.entries(AGENT_PATH_SETTINGS) as [Exclude<AgentKind, 'custom'>, AgentPathSetting][]) {
    const path = value(key)?.trim();
    if (path) paths[kind] = path;
  }
  return paths;
}

const PATH_KEYS: ReadonlySet<string> = new Set(Object.values(AGENT_PATH_SETTINGS));

/**
 * A setting refused before it is saved: an agent's program path that is not an executable file
 * on this machine, in a sentence that names the field. Null for every other setting and for an
 * empty path (which means "look for it").
 */
export function agentPathSettingProblem(key: SettingKey, value: unknown): string | null {
  if (!PATH_KEYS.has(key) || typeof value !== 'string' || value.trim() === '') return null;
  const problem = executableProblem(value);
  return problem === null ? null : `${settingDefinitions[key].label} (${key}): ${problem}`;
}

export interface AgentLookupOptions {
  /** The configured program per kind (see configuredAgentPaths): when set, the only place looked at. */
  binaryPaths?: Partial<Record<AgentKind, string>>;
  /** PATH to search (default: this process's); the core passes its login environment's PATH. */
  pathEnv?: string;
  /** Home folder for `~/` install locations (default: the user's). */
  home?: string;
}

/** Where an agent kind's program was found, or every place looked at and why it is missing. */
export type AgentInstallation =
  | { kind: AgentKind; installed: true; path: string; configured: boolean }
  | { kind: AgentKind; installed: false; reason: string; looked: string[]; configured: boolean };

/**
 * Whether an agent kind's program is on this machine, looked for exactly as a start would look
 * for it (the configured path alone when there is one, else PATH, else its usual install folders).
 * A custom command names its own program, so it counts as installed here.
 */
export async function agentInstallation(kind: AgentKind, options: AgentLookupOptions = {}): Promise<AgentInstallation> {
  if (kind === 'custom') return { kind, installed: true, path: '', configured: false };
  const adapter = AGENT_ADAPTERS[kind];
  const override = options.binaryPaths?.[kind];
  const configured = override !== undefined && override !== '';
  try {
    const path = await locateBinary(adapter.label, AGENT_BINARIES[kind], adapter.extraLocations, {
      ...(configured ? { override } : {}),
      ...(options.pathEnv !== undefined ? { pathEnv: options.pathEnv } : {}),
      ...(options.home !== undefined ? { home: options.home } : {}),
    });
    return { kind, installed: true, path, configured };
  } catch (error) {
    if (!(error instanceof SwitchyardError) || error.code !== 'AGENT_NOT_FOUND') throw error;
    const looked = Array.isArray(error.details?.looked) ? (error.details.looked as string[]) : [];
    return { kind, installed: false, reason: error.message, looked, configured };
  }
}

/** Whether an agent kind's program is on this machine (see agentInstallation). */
export async function isAgentInstalled(kind: AgentKind, options: AgentLookupOptions = {}): Promise<boolean> {
  return (await agentInstallation(kind, options)).installed;
}
