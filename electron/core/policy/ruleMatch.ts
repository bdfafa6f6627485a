import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  EDIT_TOOLS,
  READ_TOOLS,
  parsePermissionRule,
  type AgentKind,
  type PermissionRule,
  type PolicyDecision,
  type PolicyPreset,
} from '../../../shared/contract';

/** One permission request of an agent, as its hook (or its screen) tells it. */
export interface PermissionRequest {
  agent: AgentKind;
  /** The tool's name as the agent calls it: `Bash`, `Edit`, `mcp__github__create_issue`. */
  tool: string;
  /** The tool's input: `command` for Bash, `file_path` or `path` for the file tools, `url` for WebFetch. */
  input: Record<string, unknown>;
  /** The task's worktree: relative patterns and "inside the worktree" are measured from it. */
  cwd: string;
  /** For `~/` patterns. */
  home: string;
}

/** The rule lists of one scope, as stored in the settings. */
export interface ScopeRules {
  allow: readonly string[];
  deny: readonly string[];
  ask: readonly string[];
}

export interface PolicyInput {
  /** The project's own rules; they come before the user's. */
  project: ScopeRules | null;
  user: ScopeRules;
  preset: PolicyPreset;
}

export interface PolicyVerdict {
  decision: PolicyDecision;
  /** The rule (or rules, for a compound command) that decided; null when nothing did and the question is asked. */
  rule: string | null;
  scope: 'project' | 'user' | 'preset' | null;
}

/** Within a scope, the first list that matches decides. */
const LIST_ORDER = ['deny', 'ask', 'allow'] as const;

/**
 * Decides a request: the project's rules, then the user's, then the preset; within a scope deny
 * before ask before allow. Nothing matching is "ask".
 */
export function decidePermission(request: PermissionRequest, policy: PolicyInput): PolicyVerdict {
  const scopes = [
    ['project', policy.project],
    ['user', policy.user],
  ] as const;
  for (const [scope, rules] of scopes) {
    if (rules === null) continue;
    for (const decision of LIST_ORDER) {
      const rule = matchList(rules[decision].map(parsedRule), request, decision === 'allow');
      if (rule !== null) return { decision, rule, scope };
    }
  }
  return presetVerdict(request, policy.preset);
}

function presetVerdict(request: PermissionRequest, preset: PolicyPreset): PolicyVerdict {
  if (preset === 'all') return { decision: 'allow', rule: 'preset: allow all', scope: 'preset' };
  if (preset === 'edits' && (EDIT_TOOLS as readonly string[]).includes(request.tool)) {
    const path = requestPath(request);
    if (path !== null && isInside(path, request.cwd)) return { decision: 'allow', rule: 'preset: allow edits inside the worktree', scope: 'preset' };
  }
  return { decision: 'ask', rule: null, scope: null };
}

function parsedRule(text: string): PermissionRule | null {
  const parsed = parsePermissionRule(text);
  // Settings are validated when set; a stored rule that no longer parses matches nothing.
  return typeof parsed === 'string' ? null : parsed;
}

/**
 * The rule of the list that matches, or null. A compound command (`a && b`, `a | b`) is matched
 * part by part: to allow it every part needs a rule (and a command substitution is never allowed);
 * to deny or ask, one part is enough.
 */
function matchList(rules: readonly (PermissionRule | null)[], request: PermissionRequest, allowing: boolean): string | null {
  const usable = rules.filter((rule): rule is PermissionRule => rule !== null && ruleApplies(rule, request));
  const command = typeof request.input.command === 'string' ? request.input.command : null;
  if (command === null || !usable.some((rule) => rule.specifier.kind === 'command')) {
    return usable.find((rule) => specifierMatches(rule, request, command))?.text ?? null;
  }
  const whole = usable.find((rule) => rule.specifier.kind === 'any');
  if (whole) return whole.text;
  const parts = commandParts(command);
  if (allowing) {
    if (SUBSTITUTION.test(command)) return null;
    const used = parts.map((part) => usable.find((rule) => specifierMatches(rule, request, part)));
    if (used.some((rule) => rule === undefined)) return null;
    return [...new Set(used.map((rule) => rule!.text))].join(', ');
  }
  for (const part of [command, ...parts]) {
    const rule = usable.find((r) => specifierMatches(r, request, part));
    if (rule) return rule.text;
  }
  return null;
}

function ruleApplies(rule: PermissionRule, request: PermissionRequest): boolean {
  if (rule.agent !== null && rule.agent !== request.agent) return false;
  if (globRegex(rule.tool, 'text').test(request.tool)) return true;
  if (rule.tool === 'Edit') return (EDIT_TOOLS as readonly string[]).includes(request.tool);
  if (rule.tool === 'Read') return (READ_TOOLS as readonly string[]).includes(request.tool);
  return false;
}

function specifierMatches(rule: PermissionRule, request: PermissionRequest, command: string | null): boolean {
  const { specifier } = rule;
  switch (specifier.kind) {
    case 'any':
      return true;
    case 'command':
      return command !== null && commandMatches(specifier.pattern, command);
    case 'path': {
      const path = requestPath(request);
      return path !== null && pathMatches(specifier.pattern, path, request);
    }
    case 'domain': {
      const host = urlHost(request.input.url);
      return host !== null && globRegex(specifier.pattern, 'text').test(host);
    }
  }
}

/** `$(…)`, backticks and process substitution run commands no rule names. */
const SUBSTITUTION = /\$\(|`|<\(|>\(/;
/** Where one shell command ends and the next begins (`&` but not the one of `2>&1` or `&>`). */
const COMMAND_SEPARATORS = /&&|\|\||[;|\n]|(?<!>)&(?!>)/;

function commandParts(command: string): string[] {
  return command
    .split(COMMAND_SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function commandMatches(pattern: string, command: string): boolean {
  const text = command.trim();
  // Claude Code's older prefix form: `npm test:*` is `npm test` with or without arguments.
  if (pattern.endsWith(':*')) {
    const prefix = pattern.slice(0, -2).trim();
    return text === prefix || text.startsWith(`${prefix} `);
  }
  return globRegex(pattern, 'text').test(text);
}

/** The absolute path a file tool works on, or null when its input names none. */
function requestPath(request: PermissionRequest): string | null {
  const input = request.input;
  const named = [input.file_path, input.notebook_path, input.path].find((v): v is string => typeof v === 'string' && v !== '');
  if (named === undefined) return (READ_TOOLS as readonly string[]).includes(request.tool) ? resolve(request.cwd) : null;
  return resolve(request.cwd, named);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** gitignore-style: `//abs`, `~/home`, `/in-worktree`, `./in-worktree`, `a/b` in the worktree, `name` at any depth. */
function pathMatches(pattern: string, path: string, request: PermissionRequest): boolean {
  let absolute: string;
  if (pattern.startsWith('//')) absolute = pattern.slice(1);
  else if (pattern.startsWith('~/')) absolute = join(request.home, pattern.slice(2));
  else if (pattern.includes('/')) absolute = join(resolve(request.cwd), pattern.replace(/^\.?\//, ''));
  else absolute = join(resolve(request.cwd), '**', pattern);
  const regex = globRegex(absolute.replace(/\/+$/, ''), 'path');
  // A pattern that names a folder covers everything inside it, as in gitignore.
  for (let at = path; ; at = dirname(at)) {
    if (regex.test(at)) return true;
    if (dirname(at) === at) return false;
  }
}

function urlHost(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A glob as a regular expression. In text (commands, tool names, hosts) `*` is any text; in paths
 * `*` and `?` stay within one folder name, `**` crosses folders and `a/**\/b` also matches `a/b`.
 */
function globRegex(glob: string, mode: 'text' | 'path'): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (mode === 'path' && glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (mode === 'path' && glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += mode === 'path' ? '[^/]*' : '.*';
    else if (char === '?' && mode === 'path') source += '[^/]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
