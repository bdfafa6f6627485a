/** Where a tab keeps browser mode's token. sessionStorage is per tab and per origin: no other port reads it. */
const TOKEN_KEY = 'switchyard.token';

function tokenInFragment(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') || null;
}

/**
 * Browser mode's token for this tab. `switchyard serve` prints an address ending in `#token=…`, and a
 * browser never sends a fragment to any server. The token moves into this tab's sessionStorage and
 * out of the address bar (so out of the history and of a copied link); a reload keeps it. Null when
 * this tab was never given one.
 */
export function takeBrowserToken(): string | null {
  const fromAddress = tokenInFragment(location.hash);
  if (fromAddress !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromAddress);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/**
 * A login address opened in a tab that already shows the app (after a restart of serve, with its
 * new token) changes only the fragment, so the page does not load again by itself: load it again.
 */
export function reloadOnNewToken(): void {
  window.addEventListener('hashchange', () => {
    if (tokenInFragment(location.hash) !== null) location.reload();
  });
}
