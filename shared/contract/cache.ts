import { z } from 'zod';

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
  .refine((value) => !value.split(':')[1]!.split('/').some((part) => part === '..' || part === '.'), 'the folder must stay inside the worktree');

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
