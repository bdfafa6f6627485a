import { z } from 'zod';
import { AGENT_KINDS, type AgentKind } from './tasks';

/**
 * Answer policies: rules that decide an agent's permission request, written as Claude Code writes
 * its own `permissions.allow` / `deny` / `ask` entries — `Tool` or `Tool(specifier)` — with an
 * optional agent in front: `codex:Bash(npm test*)`.
 *
 * - `Bash(npm test*)`: the command, `*` standing for any text; `Bash(npm test:*)` (Claude Code's
 *   older form) is the command or the command followed by arguments.
 * - `Read(src/**)`, `Edit(//etc/hosts)`, `Edit(~/notes/*)`: a path, gitignore-style: `//` is
 *   absolute, `~/` the home folder, anything else is inside the task's worktree; a pattern with no
 *   `/` matches that name at any depth. An `Edit` rule covers every tool that writes files.
 * - `WebFetch(domain:example.com)`: the host of the fetched URL.
 * - A rule with no parentheses matches every use of the tool.
 */

export const POLICY_PRESETS = ['ask', 'edits', 'all'] as const;
export const policyPresetSchema = z.enum(POLICY_PRESETS);
/** ask: every question goes to the user; edits: file edits inside the worktree are allowed; all: the agent's own "skip permissions" flag. */
export type PolicyPreset = z.infer<typeof policyPresetSchema>;

export const POLICY_DECISIONS = ['allow', 'deny', 'ask'] as const;
export const policyDecisionSchema = z.enum(POLICY_DECISIONS);
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

/** Tools whose rules take a command. */
export const COMMAND_TOOLS = ['Bash'] as const;
/** Tools that write files: an `Edit(...)` rule covers them all, as in Claude Code. */
export const EDIT_TOOLS = ['Edit', 'Write', 'MultiEdit', 'NotebookEdit'] as const;
/** Tools that read files: a `Read(...)` rule covers them all. */
export const READ_TOOLS = ['Read', 'Grep', 'Glob', 'LS'] as const;
const PATH_TOOLS: readonly string[] = [...EDIT_TOOLS, ...READ_TOOLS];

export type RuleSpecifier =
  | { kind: 'any' }
  | { kind: 'command'; pattern: string }
  | { kind: 'path'; pattern: string }
  | { kind: 'domain'; pattern: string };

export interface PermissionRule {
  /** The rule as written, for the activity log and the UI. */
  text: string;
  /** null: every agent. */
  agent: AgentKind | null;
  /** A tool name; `*` in it stands for any text (`mcp__github__*`). */
  tool: string;
  specifier: RuleSpecifier;
}

const RULE_SHAPE = /^(?:([a-z-]+):)?([A-Za-z_*][\w*-]*)(?:\((.*)\))?$/s;

/** The rule read from its text, or a sentence saying what is wrong with it. */
export function parsePermissionRule(text: string): PermissionRule | string {
  const match = RULE_SHAPE.exec(text.trim());
  if (!match) return 'not of the form Tool or Tool(pattern), e.g. Read, Bash(npm test*), codex:Bash(git status)';
  const [, agentText, tool, inner] = match as unknown as [string, string | undefined, string, string | undefined];
  if (agentText !== undefined && !(AGENT_KINDS as readonly string[]).includes(agentText)) {
    return `unknown agent "${agentText}" (one of ${AGENT_KINDS.join(', ')})`;
  }
  const agent = (agentText ?? null) as AgentKind | null;
  const rule = { text: text.trim(), agent, tool };
  if (inner === undefined) return { ...rule, specifier: { kind: 'any' } };
  const pattern = inner.trim();
  if (pattern === '') return `${tool}() has an empty pattern: write ${tool} alone to match every use`;
  if (pattern === '*' || pattern === '**') return { ...rule, specifier: { kind: 'any' } };
  if ((COMMAND_TOOLS as readonly string[]).includes(tool)) return { ...rule, specifier: { kind: 'command', pattern } };
  if (PATH_TOOLS.includes(tool)) return { ...rule, specifier: { kind: 'path', pattern } };
  if (tool === 'WebFetch') {
    if (!pattern.startsWith('domain:') || pattern.length === 'domain:'.length) return 'WebFetch takes domain:<host>, e.g. WebFetch(domain:example.com)';
    return { ...rule, specifier: { kind: 'domain', pattern: pattern.slice('domain:'.length).toLowerCase() } };
  }
  return `${tool} takes no pattern (only Bash, the file tools ${PATH_TOOLS.join(', ')} and WebFetch do)`;
}

/** MAX_RULES rules of at most MAX_RULE_LENGTH characters per list and scope. */
const MAX_RULES = 500;
const MAX_RULE_LENGTH = 1_000;

/** One rule, refused with the rule named and what is wrong with it. */
export const permissionRuleSchema = z
  .string()
  .max(MAX_RULE_LENGTH)
  .superRefine((text, ctx) => {
    const parsed = parsePermissionRule(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `rule "${text}": ${parsed}` });
  });

export const permissionRulesSchema = z.array(permissionRuleSchema).max(MAX_RULES);
