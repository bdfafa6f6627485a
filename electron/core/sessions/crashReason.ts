import type { TaskReason } from '../../../shared/contract';
import { plainLines } from './transcriptText';

/** Output kept per running session for the reason of a crash (characters): a screen's last lines. */
export const CRASH_TAIL_CHARS = 4096;

/** The longest last line a crash reason quotes (characters). */
const MAX_QUOTED_LINE = 200;

/**
 * The last output of each running session, kept for the reason of a crash. A batch longer than
 * the tail replaces it, so that a flood costs one slice per batch and no growing string.
 */
export class OutputTail {
  private readonly tails = new Map<string, string>();

  push(sessionId: string, data: string): void {
    const before = data.length >= CRASH_TAIL_CHARS ? '' : (this.tails.get(sessionId) ?? '');
    const joined = before + data;
    this.tails.set(sessionId, joined.length > CRASH_TAIL_CHARS ? joined.slice(-CRASH_TAIL_CHARS) : joined);
  }

  /** The session's tail, forgotten: its program ended. */
  take(sessionId: string): string {
    const tail = this.tails.get(sessionId) ?? '';
    this.tails.delete(sessionId);
    return tail;
  }
}

/** "2 s", "3 min", "1 h 5 min": how long an agent ran, in the words of a reason. */
export function ranFor(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest > 0 ? ` ${rest} min` : ''}`;
}

/** The last line the program printed that has any text, as plain text. */
export function lastLine(output: string): string | null {
  const lines = plainLines(output);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line !== '') return line.length > MAX_QUOTED_LINE ? `${line.slice(0, MAX_QUOTED_LINE - 1)}…` : line;
  }
  return null;
}

/**
 * Why a task failed when its agent crashed, in one line: "agent exited with code 3 after 2 s:
 * Error: out of memory", with the last line the agent printed.
 */
export function crashReason(exit: { exitCode: number; signal: number | null }, ranMs: number, output: string): TaskReason {
  const how = exit.signal !== null && exit.signal !== 0 ? `was killed by signal ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const last = lastLine(output);
  return {
    kind: 'crashed',
    code: 'AGENT_CRASHED',
    message: `agent ${how} after ${ranFor(ranMs)}${last ? `: ${last}` : ''}`,
    attempts: 0,
    retryAt: null,
  };
}
