import { sessionMembers, signalSession } from './processGroup';

/** How long a stopped program gets between SIGTERM and SIGKILL to exit on its own (ms). */
export const STOP_GRACE_MS = 3_000;

/** How often a stop looks whether every process of the session is gone (ms). */
const STOP_POLL_MS = 25;

/**
 * SIGTERM to every process of the session `leader` leads, SIGKILL to whatever is left after the
 * grace period; resolves once the leader has exited (`exited`) and nothing of the session runs.
 */
export async function stopSession(leader: number, exited: Promise<unknown>, graceMs: number): Promise<void> {
  let leaderGone = false;
  void exited.then(() => (leaderGone = true));
  const running = () => !leaderGone || sessionMembers(leader).length > 0;
  signalSession(leader, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running() && Date.now() < deadline) await delay(STOP_POLL_MS);
  while (running()) {
    signalSession(leader, 'SIGKILL');
    await Promise.race([exited, delay(STOP_POLL_MS)]);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
