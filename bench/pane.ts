// The app's terminal pane in a headless Chromium, as the benchmarks drive it: a session opened from
// its task, and keystrokes typed into it with the time until their echo came and was drawn.
import type { Page } from 'playwright-core';

/** Starts the session of the task called `title` from its card and puts the focus in its pane. */
export async function openPane(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: `Start a session for ${title}` }).click();
  await page.locator('.xterm-rows').waitFor();
  await page.waitForTimeout(300);
  await page.locator('.xterm').click();
}

/**
 * Notes, in the page, when the last message carrying terminal output came over the app's socket:
 * installed before the app loads, its listener hears each message before the app's own does.
 */
export async function timeTerminalMessages(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const timed = window as unknown as { terminalDataAt: number };
    timed.terminalDataAt = 0;
    window.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.addEventListener('message', (event: MessageEvent) => {
          if (typeof event.data === 'string' && event.data.includes('"terminal.data"')) timed.terminalDataAt = performance.now();
        });
      }
    };
  });
}

/** Each keystroke's time (ms) until its echo's message came (with timeTerminalMessages, else 0) and until the pane's rows changed. */
export interface PaneEcho {
  arrived: number[];
  drawn: number[];
}

/** Keystroke → pty echo → pane, `samples` times with `gapMs` between: times from the input event. */
export async function paneEchoLatencies(page: Page, samples: number, gapMs: number): Promise<PaneEcho> {
  return page.evaluate(
    async ([n, gap]) => {
      const textarea = document.querySelector('.xterm-helper-textarea')!;
      const rows = document.querySelector('.xterm-rows')!;
      const timed = window as unknown as { terminalDataAt?: number };
      const arrived: number[] = [];
      const drawn: number[] = [];
      for (let i = 0; i < n; i++) {
        const before = rows.textContent;
        const started = performance.now();
        await new Promise<void>((resolve) => {
          const observer = new MutationObserver(() => {
            if (rows.textContent === before) return;
            observer.disconnect();
            resolve();
          });
          observer.observe(rows, { childList: true, subtree: true, characterData: true });
          textarea.dispatchEvent(new InputEvent('input', { data: String.fromCharCode(97 + (i % 26)), inputType: 'insertText' }));
        });
        drawn.push(performance.now() - started);
        arrived.push(timed.terminalDataAt && timed.terminalDataAt > started ? timed.terminalDataAt - started : 0);
        await new Promise((resolve) => setTimeout(resolve, gap));
      }
      return { arrived, drawn };
    },
    [samples, gapMs] as const,
  );
}
