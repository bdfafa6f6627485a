import { pathToFileURL } from 'node:url';

/**
 * Whether a URL is the app's own page, the only page a desktop window may show or accept IPC
 * from: a file: URL of exactly the built index.html (any query or hash), nothing else.
 */
export function isAppUrl(url: string, indexHtml: string): boolean {
  const own = pathToFileURL(indexHtml);
  try {
    const candidate = new URL(url);
    return candidate.protocol === 'file:' && candidate.host === '' && candidate.pathname === own.pathname;
  } catch {
    return false;
  }
}

/** Links a window may hand to the user's browser: https only, never file:, javascript: or custom schemes. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
