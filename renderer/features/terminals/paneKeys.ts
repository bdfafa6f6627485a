/**
 * The keys a terminal pane keeps for itself rather than passing to the agent. Everything else,
 * Tab and Shift+Tab included, goes to the program in the pane: agents use them.
 */
export type PaneKeyAction = 'copy' | 'paste' | 'find' | 'leave' | null;

/** macOS uses Cmd where other systems use Ctrl+Shift for the terminal's copy and paste. */
export function isMac(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): boolean {
  return /mac/i.test(platform);
}

/** What a keydown inside a pane means to the pane itself; null: it goes to the agent. */
export function paneKeyAction(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>,
  mac: boolean = isMac(),
): PaneKeyAction {
  const key = event.key.toLowerCase();
  if (event.key === 'F6' && !event.ctrlKey && !event.altKey && !event.metaKey) return 'leave';
  if (event.altKey) return null;
  const ctrlShift = event.ctrlKey && event.shiftKey && !event.metaKey;
  const cmd = mac && event.metaKey && !event.ctrlKey;
  if ((ctrlShift || (cmd && !event.shiftKey)) && key === 'c') return 'copy';
  if ((ctrlShift || (cmd && !event.shiftKey)) && key === 'v') return 'paste';
  // Search in the pane, as in VS Code's terminal: Ctrl+F (Cmd+F on macOS, where Ctrl+F stays the
  // shell's forward-a-character).
  if (key === 'f' && !event.shiftKey && ((!mac && event.ctrlKey && !event.metaKey) || cmd)) return 'find';
  return null;
}
