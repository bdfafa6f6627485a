/** A base for parsing request targets; only its origin is compared, it is never contacted. */
const TARGET_BASE = new URL('http://switchyard.invalid');

export interface RequestTarget {
  url: URL;
  /** The path with its %-escapes decoded, as the static files are named. */
  path: string;
}

/**
 * Parses a request line's target inside a guard: null for anything that is not a path on this
 * server (`//[`, `//other.host/`, an absolute URL, `*`) or whose %-escapes do not decode (`/%`).
 * The caller answers null with 400; nothing here throws.
 */
export function parseRequestTarget(target: string | undefined): RequestTarget | null {
  if (!target?.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(target, TARGET_BASE);
  } catch {
    return null;
  }
  if (url.origin !== TARGET_BASE.origin) return null;
  try {
    return { url, path: decodeURIComponent(url.pathname) };
  } catch {
    return null;
  }
}
