import { z } from 'zod';
import { MAX_PATH_LENGTH } from '../constants';
import { cacheFolderSchema, cacheKeySchema, cacheStrategySchema, DEFAULT_CACHE_FOLDERS } from './cache';
import { idSchema } from './common';
import { doNotDisturbSchema, NOTIFY_EVENT_KINDS, notifyEventKindSchema } from './notify';
import { permissionRulesSchema, policyPresetSchema } from './policy';
import { agentKindSchema } from './tasks';
import { budgetPeriodSchema, PRICE_OVERRIDE_PATTERN, usageCostModeSchema } from './usage';

export const SETTING_SCOPES = ['user', 'project'] as const;
export const settingScopeSchema = z.enum(SETTING_SCOPES);
export type SettingScope = z.infer<typeof settingScopeSchema>;

interface SettingDefinition<S extends z.ZodType> {
  schema: S;
  default: z.infer<S>;
  /** Where the setting may be set; a user-only setting has no per-project override. */
  scopes: readonly SettingScope[];
  label: string;
  description: string;
}

function setting<S extends z.ZodType>(definition: SettingDefinition<S>): SettingDefinition<S> {
  return definition;
}

const BOTH = ['user', 'project'] as const;

/** Every setting the app knows, with its schema and default. Nothing else declares one. */
export const settingDefinitions = {
  'agents.defaultKind': setting({
    schema: agentKindSchema,
    default: 'claude-code',
    scopes: BOTH,
    label: 'Default agent',
    description: 'The agent a new task runs unless it names another.',
  }),
  'agents.claudePath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Claude Code program',
    description: 'Full path of `claude`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.codexPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Codex CLI program',
    description: 'Full path of `codex`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.geminiPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Gemini CLI program',
    description: 'Full path of `gemini`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.aiderPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Aider program',
    description: 'Full path of `aider`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.cursorPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Cursor CLI program',
    description: 'Full path of `cursor-agent`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.opencodePath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'OpenCode program',
    description: 'Full path of `opencode`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.copilotPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'GitHub Copilot CLI program',
    description: 'Full path of `copilot`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.qwenPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Qwen Code program',
    description: 'Full path of `qwen`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'agents.ampPath': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Amp program',
    description: 'Full path of `amp`. Empty: looked for on PATH and in the usual install folders.',
  }),
  'scheduler.maxConcurrent': setting({
    schema: z.number().int().min(1).max(64),
    default: 4,
    scopes: BOTH,
    label: 'Agents at once',
    description: 'How many tasks may run at the same time.',
  }),
  'scheduler.retries': setting({
    schema: z.number().int().min(0).max(10),
    default: 2,
    scopes: BOTH,
    label: 'Retries of a failed task',
    description:
      'How many times a run starts a failed task again (a start that failed, or an agent that failed) before the task stays failed and blocks what depends on it.',
  }),
  'scheduler.retryBackoff': setting({
    schema: z.number().min(0.1).max(3600),
    default: 5,
    scopes: BOTH,
    label: 'Wait before a retry (s)',
    description: 'Seconds a run waits before it starts a failed task again; the wait doubles with each failure of the task.',
  }),
  'scheduler.stacking': setting({
    schema: z.boolean(),
    default: false,
    scopes: BOTH,
    label: 'Stack dependent tasks',
    description:
      'Start a task from its dependency’s branch as soon as that dependency is in review, instead of waiting for it to be merged.',
  }),
  'sessions.keepRunningOnQuit': setting({
    schema: z.boolean(),
    default: true,
    scopes: ['user'],
    label: 'Keep agents running on quit',
    description:
      'When the app (or `switchyard serve`) quits, its agents keep running in the session host and are shown again, with their screens, the next time it starts. Off: quitting stops them.',
  }),
  'scheduler.waitAtLimits': setting({
    schema: z.boolean(),
    default: true,
    scopes: BOTH,
    label: 'Wait at usage limits',
    description:
      'When an agent reports a usage or rate limit, its task waits for the reset, no other task of that agent starts meanwhile, and its conversation resumes by itself afterwards. Off: the agent is left as it is.',
  }),
  'sessions.idleStopMinutes': setting({
    schema: z.number().min(0).max(10_080),
    default: 30,
    scopes: BOTH,
    label: 'Stop idle agents after (min)',
    description:
      'An agent whose task is in review and that has waited at its prompt this long is stopped; its task stays in review and its conversation can be resumed. 0: never.',
  }),
  'worktrees.root': setting({
    schema: z.string().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: BOTH,
    label: 'Worktree folder',
    description:
      'The folder that holds one folder of worktrees per project. Empty: "worktrees" in the data directory. Never inside a repository.',
  }),
  'worktrees.mode': setting({
    schema: z.enum(['worktree', 'repository']),
    default: 'worktree',
    scopes: BOTH,
    label: 'Where tasks run',
    description: 'Each task in its own worktree and branch, or in the repository itself on its current branch.',
  }),
  'worktrees.branchPrefix': setting({
    schema: z
      .string()
      .max(40)
      .regex(/^([a-z0-9][a-z0-9._-]*\/)*$/, 'lowercase letters, digits, ".", "_", "-", each part ending with "/"'),
    default: 'sy/',
    scopes: BOTH,
    label: 'Branch prefix',
    description: 'Put before the name made from the task title, e.g. "sy/" gives "sy/fix-login".',
  }),
  'worktrees.editor': setting({
    schema: z.string().trim().min(1).max(MAX_PATH_LENGTH),
    default: 'code',
    scopes: BOTH,
    label: 'Editor',
    description: 'The program that opens a worktree (a name on PATH or a full path), given the worktree’s folder as its one argument.',
  }),
  'worktrees.copyFiles': setting({
    schema: z.array(z.string().min(1).max(500)).max(200),
    default: ['.env', '.env.local'],
    scopes: BOTH,
    label: 'Files copied into a new worktree',
    description: 'Globs of untracked files (relative to the repository) copied into each new worktree, with the lines of .worktreeinclude.',
  }),
  'worktrees.setupScript': setting({
    schema: z.string().max(10_000).nullable(),
    default: null,
    scopes: BOTH,
    label: 'Setup script',
    description: 'A shell command run in each new worktree after files are copied and dependencies hydrated; a failure fails the start.',
  }),
  'checks.command': setting({
    schema: z.string().trim().max(10_000).nullable(),
    default: null,
    scopes: BOTH,
    label: 'Check command',
    description:
      'A shell command (your tests, e.g. npm test) run in a task’s worktree each time its agent finishes a turn; the result shows on the card and is kept by the worktree’s files, so an unchanged tree is not checked twice. Empty: no checks.',
  }),
  'cache.location': setting({
    schema: z.string().trim().max(MAX_PATH_LENGTH).nullable(),
    default: null,
    scopes: ['user'],
    label: 'Dependency cache folder',
    description: 'Where cached dependency folders are kept, one cache for every project. Empty: "cache" in the data directory.',
  }),
  'cache.strategy': setting({
    schema: cacheStrategySchema,
    default: 'auto',
    scopes: BOTH,
    label: 'Dependency cache strategy',
    description:
      'How dependency folders are brought into a new worktree: auto measures the filesystem and picks a clone, hardlinks or a copy; off installs in every worktree.',
  }),
  'cache.folders': setting({
    schema: z.array(cacheFolderSchema).max(50),
    default: [...DEFAULT_CACHE_FOLDERS],
    scopes: BOTH,
    label: 'Cached folders',
    description: 'ecosystem:folder pairs, each cached when the ecosystem’s lockfile is in the worktree. Add cargo:target to cache Rust builds.',
  }),
  'cache.pinned': setting({
    schema: z.array(cacheKeySchema).max(200),
    default: [],
    scopes: BOTH,
    label: 'Pinned cache entries',
    description: 'Keys of entries that eviction and retention never remove.',
  }),
  'cache.maxSizeMb': setting({
    schema: z.number().int().min(0).max(10_000_000),
    default: 20_480,
    scopes: ['user'],
    label: 'Cache size limit (MB)',
    description: 'Above this, the least recently used entries are evicted.',
  }),
  'cache.eviction': setting({
    schema: z.enum(['lru', 'off']),
    default: 'lru',
    scopes: ['user'],
    label: 'Cache eviction',
    description: 'How entries are chosen for removal when the cache is over its limit.',
  }),
  'cache.retentionDays': setting({
    schema: z.number().int().min(1).max(3650),
    default: 30,
    scopes: ['user'],
    label: 'Cache retention (days)',
    description: 'Entries unused for longer than this are removed.',
  }),
  'policy.preset': setting({
    schema: policyPresetSchema,
    default: 'ask',
    scopes: BOTH,
    label: 'Permission questions',
    description:
      'ask: every question the rules do not decide goes to the inbox; edits: file edits inside the worktree are allowed (Claude Code --permission-mode acceptEdits, Codex --full-auto); all: agents run with their own skip-permissions flag (Claude Code --dangerously-skip-permissions, Codex --dangerously-bypass-approvals-and-sandbox, Gemini --yolo).',
  }),
  'policy.allow': setting({
    schema: permissionRulesSchema,
    default: [],
    scopes: BOTH,
    label: 'Allowed without asking',
    description: 'Rules in Claude Code’s form, e.g. Read, Grep, Bash(npm test*), Edit(src/**); "codex:" in front limits one to an agent.',
  }),
  'policy.deny': setting({
    schema: permissionRulesSchema,
    default: [],
    scopes: BOTH,
    label: 'Refused without asking',
    description: 'Rules in Claude Code’s form, e.g. Bash(rm -rf*), Read(.env). A deny wins over an allow of the same scope; the project’s rules win over the user’s.',
  }),
  'policy.ask': setting({
    schema: permissionRulesSchema,
    default: [],
    scopes: BOTH,
    label: 'Always asked',
    description: 'Rules whose questions always go to the inbox, over an allow rule of the same scope and over the preset.',
  }),
  'ui.theme': setting({
    schema: z.enum(['system', 'dark', 'light']),
    default: 'system',
    scopes: ['user'],
    label: 'Theme',
    description: 'Colours of the window.',
  }),
  'usage.costMode': setting({
    schema: usageCostModeSchema,
    default: 'cost',
    scopes: ['user'],
    label: 'Show usage as',
    description:
      'cost: tokens priced in dollars by the price table; tokens: for a subscription, no cost anywhere — tokens and the limit windows instead.',
  }),
  'usage.prices': setting({
    schema: z.array(z.string().trim().regex(PRICE_OVERRIDE_PATTERN, 'model=input/output/cacheWrite/cacheRead, dollars per million tokens')).max(200),
    default: [],
    scopes: ['user'],
    label: 'Model prices',
    description:
      'Your prices, over the built-in table: one model a line as model=input/output/cacheWrite/cacheRead in dollars per million tokens, e.g. claude-sonnet-4-5=3/15/3.75/0.30.',
  }),
  'usage.budgetTokens': setting({
    schema: z.number().int().min(1).max(1e12).nullable(),
    default: null,
    scopes: BOTH,
    label: 'Token budget',
    description: 'Tokens (input, output and cache, all counted) the project may use per budget period; once reached, the run starts no more agents. Empty: none.',
  }),
  'usage.budgetUsd': setting({
    schema: z.number().min(0.01).max(1e7).nullable(),
    default: null,
    scopes: BOTH,
    label: 'Cost budget ($)',
    description: 'Dollars the project may spend per budget period, priced by the price table; once reached, the run starts no more agents. Empty: none.',
  }),
  'usage.budgetPeriod': setting({
    schema: budgetPeriodSchema,
    default: 'day',
    scopes: BOTH,
    label: 'Budget period',
    description: 'day: since midnight; run: since the project’s run was turned on. Running agents finish their turn; only new starts stop.',
  }),
  'notify.events': setting({
    schema: z.array(notifyEventKindSchema).max(NOTIFY_EVENT_KINDS.length),
    default: [...NOTIFY_EVENT_KINDS],
    scopes: ['user'],
    label: 'Notify me when',
    description: 'Which news calls you back: an agent needs input, finished its turn, failed, a merge conflicts, a usage limit reset.',
  }),
  'notify.doNotDisturb': setting({
    schema: doNotDisturbSchema,
    default: 'off',
    scopes: ['user'],
    label: 'Do not disturb',
    description: 'No notification at all while on; the tray and the tab title still count who waits.',
  }),
  'notify.sound': setting({
    schema: z.boolean(),
    default: true,
    scopes: ['user'],
    label: 'Sound',
    description: 'Notifications play the system’s sound.',
  }),
  'notify.muted': setting({
    schema: z.boolean(),
    default: false,
    scopes: ['project'],
    label: 'Mute this project',
    description: 'No notification about this project’s tasks.',
  }),
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export const SETTING_KEYS = Object.keys(settingDefinitions) as SettingKey[];
export const settingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]['schema']>;

/** `run`: held by a headless run for its project while it lasts, never stored. */
export const settingSourceSchema = z.enum(['default', 'user', 'project', 'run']);

export const effectiveSettingSchema = z.object({
  key: settingKeySchema,
  value: z.unknown(),
  /** Where the effective value comes from, so the UI can say it. */
  source: settingSourceSchema,
  defaultValue: z.unknown(),
  userValue: z.unknown().optional(),
  projectValue: z.unknown().optional(),
  scopes: z.array(settingScopeSchema),
  label: z.string(),
  description: z.string(),
});
export type EffectiveSetting = z.infer<typeof effectiveSettingSchema>;

export const settingsProcedures = {
  'settings.get': {
    input: z.object({ projectId: idSchema.optional() }).strict(),
    output: z.array(effectiveSettingSchema),
  },
  'settings.set': {
    input: z
      .object({ key: settingKeySchema, value: z.unknown(), scope: settingScopeSchema, projectId: idSchema.optional() })
      .strict(),
    output: effectiveSettingSchema,
  },
  'settings.reset': {
    input: z.object({ key: settingKeySchema, scope: settingScopeSchema, projectId: idSchema.optional() }).strict(),
    output: effectiveSettingSchema,
  },
} as const;

/** A setting stored or reset in one scope, by any client (a window, a tab, the CLI through the core). */
export const settingChangeSchema = z.object({
  key: settingKeySchema,
  scope: settingScopeSchema,
  /** The project whose value changed; null for the user's scope. */
  projectId: idSchema.nullable(),
  /** The value now stored in that scope; absent when it was reset (the scope inherits again). */
  value: z.unknown().optional(),
});
export type SettingChange = z.infer<typeof settingChangeSchema>;

export const settingsEvents = {
  'settings.changed': settingChangeSchema,
} as const;
