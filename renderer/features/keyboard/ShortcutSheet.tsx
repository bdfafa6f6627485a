import { useDialogFocus } from '../../components/useDialogFocus';

/** Every shortcut of the window, as the shortcut sheet (`?`) lists them. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Ctrl+K (outside a terminal), Ctrl+Shift+P', what: 'Command palette' },
  { keys: '?', what: 'This list (outside text fields and terminals)' },
  { keys: 'F6', what: 'Move focus out of the terminal pane to its header, and back in' },
  { keys: 'Ctrl+F (Cmd+F on macOS)', what: 'Find in the terminal pane; Enter next, Shift+Enter previous, Escape closes' },
  { keys: 'Ctrl+Shift+C (Cmd+C on macOS)', what: 'Copy the terminal selection (selecting also copies)' },
  { keys: 'Ctrl+Shift+V (Cmd+V on macOS)', what: 'Paste into the terminal' },
  { keys: 'Tab, Shift+Tab', what: 'Go to the agent in a terminal pane' },
  { keys: 'Ctrl+Shift+] / Ctrl+Shift+[', what: 'Next / previous terminal pane' },
  { keys: 'Alt+1 … Alt+9', what: 'Terminal pane by number' },
  { keys: 'Ctrl+Shift+G', what: 'Terminal panes as tabs or as a grid' },
  { keys: 'Escape', what: 'Close a dialog' },
];

/** The list of shortcuts; Escape or Close shuts it. */
export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const dialog = useDialogFocus<HTMLDivElement>(onClose);
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" className="dialog" onMouseDown={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcut-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" data-autofocus onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
