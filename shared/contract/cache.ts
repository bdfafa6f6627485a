import { z } from 'zod';
import { idSchema } from './common';

/** The package managers whose dependency folders the cache knows, each found by its lockfile. */
export const CACHE_ECOSYSTEMS = ['npm', 'pnpm', 'yarn', 'uv', 'poetry', 'pip', 'bundler', 'cargo'] as const;
export const cacheEcosystemSchema = z.enum(CACHE_ECOSYSTEMS);
export type CacheEcosystem = z.infer<typeof cacheEcosystemSchema>;

/** How a cached folder is brought into a worktree; `auto` lets a measured probe choose. */
export const CACHE_STRATEGIES = ['auto', 'clone', 'hardlink', 'copy', 'off'] as const;
export const cacheStrategySchema = z.enum(CACHE_STRATEGIES);
export type CacheStrategy = z.infer<typeof cacheStrategySchema>;
/** What a hydration actually used: `auto` resolved, `off` never placed. */
export type PlacementStrategy = 'clone' | 'hardlink' | 'copy';

/** One `ecosystem:folder` pair of the cache.folders setting, e.g. `npm:node_modules` or `cargo:target`. */
export const cacheFolderSchema = z
  .string()
  .regex(
    new RegExp(`^(${CACHE_ECOSYSTEMS.join('|')}):[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`),
    'an ecosystem (npm, pnpm, yarn, uv, poetry, pip, bundler, cargo), a colon and a relative folder, e.g. npm:node_modules',
  )
  // Checked even when the pattern failed (zod runs every check): a value with no colon is the pattern's to refuse.
  .refine((value) => !(value.split(':')[1] ?? '').split('/').some((part) => part === '..' || part === '.'), 'the folder must stay inside the worktree');

/** The key of a cache entry: hex of a hash over lockfiles, platform, architecture, runtime and folder. */
export const cacheKeySchema = z.string().regex(/^[0-9a-f]{16,64}$/, 'a cache key (hex)');

/** The folders cached unless a setting says otherwise: every ecosystem but cargo, whose target is opt-in. */
export const DEFAULT_CACHE_FOLDERS = [
  'npm:node_modules',
  'pnpm:node_modules',
  'yarn:node_modules',
  'uv:.venv',
  'poetry:.venv',
  'pip:.venv',
  'bundler:vendor/bundle',
] as const;

/** One stored entry as the Cache page and `switchyard cache ls` show it. */
export const cacheEntrySchema = z.object({
  key: z.string(),
  /** The folder it holds, relative to a worktree (`node_modules`). */
  folder: z.string(),
  lockfiles: z.array(z.string()),
  sizeBytes: z.number().int().nonnegative(),
  hits: z.number().int().nonnegative(),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  /** Names of the projects whose worktrees used it. */
  projects: z.array(z.string()),
  /** Pinned by the user or a project: eviction and retention keep it. */
  pinned: z.boolean(),
});
export type CacheEntryInfo = z.infer<typeof cacheEntrySchema>;

/** The strategy a project's worktrees get, as the measured probe chose it, and why. */
export const cacheStrategyChoiceSchema = z.object({
  /** What the setting says (auto, clone, hardlink, copy, off). */
  setting: cacheStrategySchema,
  /** What a hydration uses; null when the cache is off. */
  strategy: z.enum(['clone', 'hardlink', 'copy']).nullable(),
  reason: z.string(),
});
export type CacheStrategyChoice = z.infer<typeof cacheStrategyChoiceSchema>;

export const cacheListSchema = z.object({
  /** The folder the entries are kept in. */
  location: z.string(),
  entries: z.array(cacheEntrySchema),
  totalBytes: z.number().int().nonnegative(),
  maxBytes: z.number().int().nonnegative(),
});
export type CacheList = z.infer<typeof cacheListSchema>;

export const cacheVerifyResultSchema = z.object({
  key: z.string(),
  ok: z.boolean(),
  /** The first thing that differs from what was stored; the entry was evicted. */
  problem: z.string().optional(),
});
export type CacheVerifyResult = z.infer<typeof cacheVerifyResultSchema>;

export const CACHE_OPERATIONS = ['verify', 'evict', 'clear'] as const;

/** How far a long cache operation has come: sent after each entry it finished. */
export const cacheProgressSchema = z.object({
  operation: z.enum(CACHE_OPERATIONS),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** The entry just finished, or null for the first event of an operation. */
  key: z.string().nullable(),
});
export type CacheProgress = z.infer<typeof cacheProgressSchema>;

export const cacheProcedures = {
  'cache.list': { input: z.object({}).strict(), output: cacheListSchema },
  /** The strategy in use for a project's worktrees, measured between the cache and its worktree folder. */
  'cache.strategy': { input: z.object({ projectId: idSchema }).strict(), output: cacheStrategyChoiceSchema },
  /** Hashes the named entries (all when none is named) against what was stored; a changed entry is evicted. */
  'cache.verify': {
    input: z.object({ keys: z.array(cacheKeySchema).max(1000).optional() }).strict(),
    output: z.array(cacheVerifyResultSchema),
  },
  'cache.evict': {
    input: z.object({ keys: z.array(cacheKeySchema).min(1).max(1000) }).strict(),
    output: z.object({ evicted: z.array(z.string()) }),
  },
  'cache.clear': { input: z.object({}).strict(), output: z.object({ removed: z.number().int().nonnegative() }) },
} as const;

export const cacheEvents = {
  'cache.progress': cacheProgressSchema,
  /** The set of entries changed (stored, hit, evicted, cleared): lists should be fetched again. */
  'cache.changed': z.object({}),
} as const;
