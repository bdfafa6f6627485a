/** How often waitFor looks at its condition (ms): soon enough to add no noticeable wait, cheap at that rate. */
const POLL_INTERVAL_MS = 10;

/** How long waitFor waits unless told otherwise (ms). */
export const DEFAULT_WAIT_MS = 10_000;

export interface WaitOptions {
  timeoutMs?: number;
  /** More to say when the time is up: the screen, the states seen, what was printed. */
  explain?: () => string;
}

/**
 * Resolves with the probe's value as soon as it is neither `undefined` nor `false`; fails naming
 * `what` (and the explanation, if any) once the time is up. The one way tests wait for something.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: number | WaitOptions = {},
): Promise<T> {
  const { timeoutMs = DEFAULT_WAIT_MS, explain } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
