import { readFileSync } from 'node:fs';
import xtermHeadless from '@xterm/headless';
import type { AgentKind } from '../../shared/contract';
import type { StateChange } from '../../shared/contract/sessionState';
import { AGENT_ADAPTERS } from '../../electron/core/agents/launcher';
import { StateEngine } from '../../electron/core/agents/stateEngine';

const { Terminal } = xtermHeadless;

export interface Cast {
  header: { width: number; height: number; command?: string };
  /** [seconds, kind, data]: 'o' output, 'i' input, 'x' exit code. */
  events: [number, string, string][];
}

export function readCast(path: string): Cast {
  const [first, ...rest] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: JSON.parse(first ?? '{}'), events: rest.map((line) => JSON.parse(line)) };
}

/**
 * Replays a recording through a headless terminal into the state engine, with the recording's own
 * timing (the watchdog included), and returns every state change.
 */
export async function replayCast(kind: AgentKind, cast: Cast, options: { watchdogMs?: number } = {}): Promise<StateChange[]> {
  const engine = new StateEngine({ signals: AGENT_ADAPTERS[kind].signals, watchdogMs: options.watchdogMs });
  const term = new Terminal({ cols: cast.header.width, rows: cast.header.height, allowProposedApi: true });
  const changes: StateChange[] = [];
  const push = (c: StateChange | null) => c !== null && changes.push(c);
  const start = 1_000_000;
  let now = start;
  term.onTitleChange((title) => push(engine.title(title, now)));
  const screen = () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines;
  };
  for (const [seconds, type, data] of cast.events) {
    const at = start + Math.round(seconds * 1000);
    const due = engine.watchdogDue();
    if (due !== null && due <= at) push(engine.watchdog(due));
    now = at;
    if (type === 'o') {
      push(engine.output(at));
      await new Promise<void>((resolve) => term.write(data, resolve));
      push(engine.screen(screen(), at));
    } else if (type === 'x') {
      push(engine.exit(Number(data), null, at));
    }
  }
  term.dispose();
  return changes;
}
