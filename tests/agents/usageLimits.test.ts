import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentKind } from '../../shared/contract';
import { startHookServer } from '../../electron/core/agents/hookServer';
import { stateFromHook } from '../../electron/core/agents/stateEngine';
import { createStateObserver } from '../../electron/core/agents/stateObserver';
import { LIMIT_SCAN_SETTLE_MS, UsageLimitScanner, type ScanClock } from '../../electron/core/agents/usageLimitScanner';
import { clockResetAt, detectUsageLimit, durationMs, type UsageLimit } from '../../electron/core/agents/usageLimits';
import { waitFor } from '../helpers/waitFor';

interface Recorded {
  agent: AgentKind;
  via: 'screen' | 'hook';
  text: string;
  source: string;
  now: string;
  resetAt?: string | null;
  localClock?: string;
}

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'usage-limits.json'), 'utf8')) as {
  limits: Recorded[];
  notLimits: { agent: AgentKind; text: string; source: string }[];
};

const pad = (n: number) => String(n).padStart(2, '0');
const localClockOf = (at: number, withDate: boolean) => {
  const d = new Date(at);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}` : clock;
};

describe('usage limit messages as agents print them', () => {
  it.each(fixtures.limits.map((f) => [`${f.agent}: ${f.text.split('\n')[0]!.slice(0, 60)}`, f] as const))('%s', (_, fixture) => {
    const now = Date.parse(fixture.now);
    const limit = detectUsageLimit(fixture.agent, fixture.text, now);
    expect(limit, fixture.source).not.toBeNull();
    expect(limit!.message.length).toBeGreaterThan(0);
    expect(limit!.message).not.toContain('\n');
    if (fixture.localClock !== undefined) {
      expect(limit!.resetAt).not.toBeNull();
      expect(localClockOf(limit!.resetAt!, fixture.localClock.includes('-'))).toBe(fixture.localClock);
      expect(limit!.resetAt!).toBeGreaterThan(now);
      if (!fixture.localClock.includes('-')) expect(limit!.resetAt! - now).toBeLessThanOrEqual(24 * 3_600_000);
    } else {
      expect(limit!.resetAt === null ? null : new Date(limit!.resetAt).toISOString()).toBe(fixture.resetAt);
    }
  });

  it.each(fixtures.notLimits.map((f) => [f.source, f] as const))('is not a limit: %s', (_, fixture) => {
    expect(detectUsageLimit(fixture.agent, fixture.text, Date.parse('2026-01-01T12:00:00Z'))).toBeNull();
  });

  it("reads only the agent's own messages: Codex's words from a Claude Code session are no limit", () => {
    const codex = fixtures.limits.find((f) => f.agent === 'codex')!;
    expect(detectUsageLimit('claude-code', codex.text, Date.parse(codex.now))).toBeNull();
    expect(detectUsageLimit('aider', codex.text, Date.parse(codex.now))).toBeNull();
  });

  it('takes the last of several messages on screen', () => {
    const text = 'Claude AI usage limit reached|1762952400\n> go on\nClaude AI usage limit reached|1762970400';
    expect(detectUsageLimit('claude-code', text, Date.parse('2025-11-12T14:00:00Z'))!.resetAt).toBe(1762970400_000);
  });

  it('parses durations and clock times in their words', () => {
    expect(durationMs('2h 3m')).toBe(2 * 3_600_000 + 3 * 60_000);
    expect(durationMs('41.5s')).toBe(41_500);
    expect(durationMs('1 day 2 hours 3 minutes 4 seconds')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000);
    const now = Date.parse('2026-03-01T14:30:00Z');
    // Later today in the zone; past today: tomorrow; a moment past: due now.
    expect(clockResetAt('', '3pm', 'UTC', now)).toBe(Date.parse('2026-03-01T15:00:00Z'));
    expect(clockResetAt('', '9am', 'UTC', now)).toBe(Date.parse('2026-03-02T09:00:00Z'));
    expect(clockResetAt('', '2:25pm', 'UTC', now)).toBe(now);
    expect(clockResetAt('', '15:45', 'GMT+1', now)).toBe(Date.parse('2026-03-01T14:45:00Z'));
    // Tried: a time that is no time.
    expect(clockResetAt('', '25:99', 'UTC', now)).toBeNull();
    // A zone the platform does not know is read as the local one, not refused.
    expect(clockResetAt('', '3pm', 'Mars/Olympus_Mons', now)).not.toBeNull();
  });
});

/** Time that moves only when the test says, with the timers it fires. */
function manualClock(start: number): ScanClock & { advance(ms: number): void } {
  let now = start;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.fn();
        }
      }
    },
  };
}

describe('reading a run of output for a limit', () => {
  it('finds a message drawn in colours over several writes, once the writes settle, and reports it once', () => {
    const clock = manualClock(Date.parse('2026-07-01T08:00:00Z'));
    const seen: UsageLimit[] = [];
    const scanner = new UsageLimitScanner('claude-code', clock, (limit) => seen.push(limit));
    scanner.output('\x1b[2m  ⎿  \x1b[22m\x1b[38;5;1mYou\'ve hit your session lim');
    scanner.output('it · resets 1:40pm');
    clock.advance(LIMIT_SCAN_SETTLE_MS / 3);
    scanner.output(' (Europe/Paris)\x1b[39m\r\n');
    expect(seen).toEqual([]);
    clock.advance(LIMIT_SCAN_SETTLE_MS);
    expect(seen).toEqual([{ resetAt: Date.parse('2026-07-01T11:40:00Z'), message: "You've hit your session limit · resets 1:40pm (Europe/Paris)" }]);
    scanner.output("You've hit your session limit · resets 2pm (Europe/Paris)");
    clock.advance(LIMIT_SCAN_SETTLE_MS);
    expect(seen).toHaveLength(1);
  });

  it('reads nothing of output without a limit word', () => {
    const clock = manualClock(0);
    const seen: UsageLimit[] = [];
    const scanner = new UsageLimitScanner('claude-code', clock, (limit) => seen.push(limit));
    scanner.output('resets 3pm (Europe/Paris)\r\n'.repeat(100));
    clock.advance(LIMIT_SCAN_SETTLE_MS * 2);
    expect(seen).toEqual([]);
  });

  it('takes a StopFailure rate limit without a reset as a limit of unknown reset when the output names none', () => {
    expect(stateFromHook({ hook_event_name: 'StopFailure', error: 'rate_limit' })).toMatchObject({ state: 'idle' });
    const clock = manualClock(0);
    const seen: UsageLimit[] = [];
    const scanner = new UsageLimitScanner('claude-code', clock, (limit) => seen.push(limit));
    scanner.expectLimit('rate limit');
    clock.advance(LIMIT_SCAN_SETTLE_MS);
    expect(seen).toEqual([{ resetAt: null, message: 'rate limit' }]);
  });
});

describe('limits that hooks report', () => {
  /** Posts a hook payload as the relay does, for a session the server authorized. */
  function post(url: string, sessionId: string, token: string, payload: Record<string, unknown>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-switchyard-session': sessionId } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(JSON.stringify(payload));
    });
  }

  it("reads a Stop hook's last message, and a StopFailure rate limit whose reset only the screen names", async () => {
    const server = await startHookServer();
    const url = await server.listen();
    try {
      const seen: UsageLimit[] = [];
      const observe = (sessionId: string) =>
        createStateObserver({ kind: 'claude-code', sessionId, hookServer: server, onChange: () => {}, onUsageLimit: (limit) => seen.push(limit) });
      const hooked = fixtures.limits.find((f) => f.via === 'hook')!;

      // Older Claude Code: the limit message is the Stop hook's last assistant message.
      const older = observe('s1');
      expect(await post(url, 's1', server.authorize('s1'), { hook_event_name: 'Stop', session_id: 'a', last_assistant_message: hooked.text })).toBe(204);
      await waitFor('the limit of the Stop hook', () => seen.length === 1, 10_000);
      expect(seen[0]!.message).toBe(hooked.text);
      older.dispose();

      // Newer: StopFailure says a rate limit ended the turn; the screen says when it resets. The
      // turn's end is told only after the limit: told before, it moved the task to Review and freed
      // its slot for another task of the limited agent while the reset was still being read.
      const told: string[] = [];
      const newer = createStateObserver({
        kind: 'claude-code',
        sessionId: 's2',
        hookServer: server,
        onChange: (change) => told.push(change.state),
        onUsageLimit: (limit) => {
          seen.push(limit);
          told.push('limit');
        },
      });
      newer.onOutput('\x1b[38;5;1mClaude AI usage limit reached|1762952400\x1b[39m\r\n');
      expect(await post(url, 's2', server.authorize('s2'), { hook_event_name: 'StopFailure', session_id: 'b', error: 'rate_limit' })).toBe(204);
      await waitFor('the limit of the screen', () => seen.length === 2, 10_000);
      expect(seen[1]).toEqual({ resetAt: 1762952400_000, message: 'Claude AI usage limit reached|1762952400' });
      await waitFor('the turn told to have ended', () => told.includes('idle'), 10_000);
      expect(told.slice(told.indexOf('limit'))).toEqual(['limit', 'idle']);
      newer.dispose();
    } finally {
      await server.dispose();
    }
  });
});
