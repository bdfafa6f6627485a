import { readFileSync } from 'node:fs';
import xtermHeadless from '@xterm/headless';
import type { AgentKind } from '../../shared/contract';
import type { StateChange } from '../../shared/contract/sessionState';
import { AGENT_ADAPTERS } from '../../electron/core/agents/launcher';
import { readHookPayload } from '../../electron/core/agents/hookServer';
import { StateEngine } from '../../electron/core/agents/stateEngine';

const { Terminal } = xtermHeadless;

export interface Cast {
  header: { width: number; height: number; command?: string };
  /**
   * [seconds, kind, data]: 'o' output, 'i' input, 'h' hook payload (with the event its hook command
   * named as a fourth element, for an agent whose JSON does not), 'x' exit code or "signal <n>".
   */
  events: [number, string, string, string?][];
}

export function readCast(path: string): Cast {
  const [first, ...rest] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: JSON.parse(first ?? '{}'), events: rest.map((line) => JSON.parse(line)) };
}

/**
 * Replays a recording through a headless terminal into the state engine, with the recording's own
 * timing (the watchdog included), and returns every state change. Hook payloads recorded beside
 * the terminal bytes are fed in at their time.
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
  for (const [seconds, type, data, event] of cast.events) {
    const at = start + Math.round(seconds * 1000);
    for (let due = engine.due(); due !== null && due <= at; due = engine.due()) {
      const change = engine.tick(due);
      if (change === null) break;
      changes.push(change);
    }
    now = at;
    if (type === 'o') {
      push(engine.output(at));
      await new Promise<void>((resolve) => term.write(data, resolve));
      push(engine.screen(screen(), at));
    } else if (type === 'h') {
      const payload = readHookPayload(JSON.parse(data), event);
      if (payload === null) throw new Error(`not a hook payload at ${seconds} s: ${data.slice(0, 200)}`);
      push(engine.hook(payload, at));
    } else if (type === 'x') {
      const signal = /^signal (\d+)$/.exec(data);
      push(signal ? engine.exit(null, Number(signal[1]), at) : engine.exit(Number(data), null, at));
    }
  }
  term.dispose();
  return changes;
}
