import type { ManifestItem } from './treeManifest';

/**
 * What the core asks the manifest thread: the manifest of a tree (`read`), or whether a tree still
 * matches the manifest stored in `manifestFile` (`compare`, answered with the first difference).
 */
export type ManifestRequest =
  | { requestId: number; type: 'read'; root: string; hash: boolean }
  | { requestId: number; type: 'compare'; root: string; manifestFile: string; hash: boolean };

export type ManifestReply =
  | { requestId: number; items: ManifestItem[] }
  | { requestId: number; difference: string | null }
  /** The walk failed: the system's message and its errno code (ENOENT, EACCES, …). */
  | { requestId: number; error: { message: string; errno?: string } };
