import headless from '@xterm/headless';

/** A terminal's modes and which screen it shows after `text`, as xterm.js reads them. */
export async function terminalStateAfter(text: string, cols = 80, rows = 24) {
  const terminal = new headless.Terminal({ cols, rows, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(text, resolve));
  const state = { ...terminal.modes, screen: terminal.buffer.active.type };
  terminal.dispose();
  return state;
}
