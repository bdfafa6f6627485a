import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../shared/contract/sessionState';
import { AGENT_ADAPTERS } from '../../electron/core/agents/launcher';
import { startHookServer } from '../../electron/core/agents/hookServer';
import { SIGNAL_SETTLE_MS, StateEngine, stateFromHook } from '../../electron/core/agents/stateEngine';
import { createStateObserver, type Clock } from '../../electron/core/agents/stateObserver';
import { TerminalDriver } from './terminalDriver';

const claude = () => new StateEngine({ signals: AGENT_ADAPTERS['claude-code'].signals, watchdogMs: 10_000 });
const hook = (name: string, fields: Record<string, unknown> = {}) => ({ hook_event_name: name, session_id: 'x', ...fields });
const brief = (c: StateChange | null) => (c === null ? null : `${c.state}/${c.source}`);

/** Feeds a title or screen reading at `at` and lets it settle: what the engine adopts, if anything. */
function settled(e: StateEngine, feed: (at: number) => StateChange | null, at: number): StateChange | null {
  const now = feed(at);
  if (now !== null) return now;
  const due = e.due();
  return due !== null && due <= at + SIGNAL_SETTLE_MS ? e.tick(at + SIGNAL_SETTLE_MS) : null;
}

const QUESTION_SCREEN = ['╭──────╮', '│ Bash command', '│ Do you want to proceed?', '│ ❯ 1. Yes', '│   2. No', '╰──────╯'];
const SPINNER_SCREEN = ['> fix it', '', '✻ Thinking… (3s · esc to interrupt)', '', '> ', '  ? for shortcuts'];
const IDLE_SCREEN = ['● Done.', '', '> ', '  ? for shortcuts'];

describe('the state engine with hooks', () => {
  it('reads Claude Code hook events as states', () => {
    const e = claude();
    expect(e.state).toBeNull();
    expect(brief(e.hook(hook('SessionStart', { source: 'startup' }), 1))).toBe('idle/hook');
    expect(brief(e.hook(hook('UserPromptSubmit', { prompt: 'fix it' }), 2))).toBe('working/hook');
    expect(e.hook(hook('PreToolUse', { tool_name: 'Edit' }), 3)).toBeNull();
    expect(e.hook(hook('Notification', { message: 'Claude needs your permission to use Edit', notification_type: 'permission_prompt' }), 4)).toEqual({
      state: 'needs_input',
      source: 'hook',
      at: 4,
      detail: 'Claude needs your permission to use Edit',
    });
    expect(brief(e.hook(hook('PostToolUse', { tool_name: 'Edit' }), 5))).toBe('working/hook');
    expect(brief(e.hook(hook('Stop', { stop_hook_active: false }), 6))).toBe('idle/hook');
    expect(e.hook(hook('Notification', { message: 'Claude is waiting for your input', notification_type: 'idle_prompt' }), 7)).toBeNull();
    expect(e.hook(hook('Notification', { message: 'Auth succeeded', notification_type: 'auth_success' }), 8)).toBeNull();
    expect(e.hook(hook('SessionEnd', { reason: 'prompt_input_exit' }), 9)).toBeNull();
    expect(e.hook(hook('SomethingNew'), 10)).toBeNull();
  });

  it('does not let the title or the screen override a hook-derived state', () => {
    const e = claude();
    e.hook(hook('Stop'), 1);
    expect(e.title('⠂ task', 2)).toBeNull();
    expect(e.screen(SPINNER_SCREEN, 3)).toBeNull();
    expect(e.screen(QUESTION_SCREEN, 4)).toBeNull();
    expect(e.state?.state).toBe('idle');
  });

  it('lets a title that stops spinning end a turn no hook ended (an interrupt), unless a question stopped it', () => {
    const e = claude();
    e.hook(hook('UserPromptSubmit', { prompt: 'x' }), 1);
    e.title('⠂ task', 2);
    expect(e.title('✳ task', 3)).toBeNull();
    expect(e.screen(QUESTION_SCREEN, 3)).toBeNull();
    expect(e.state?.state).toBe('working');
    e.title('⠐ task', 4);
    e.title('✳ task', 5);
    expect(settled(e, (at) => e.screen(IDLE_SCREEN, at), 5)).toMatchObject({ state: 'idle', source: 'title', detail: '✳ task' });
  });

  it('takes a question on screen that no hook announced, unless a spinner runs beside it', () => {
    const e = claude();
    e.hook(hook('UserPromptSubmit', { prompt: 'x' }), 1);
    const busyQuestion = [...QUESTION_SCREEN, '✻ Working… (esc to interrupt)'];
    expect(settled(e, (at) => e.screen(busyQuestion, at), 1_000)).toBeNull();
    expect(settled(e, (at) => e.screen(QUESTION_SCREEN, at), 2_000)).toMatchObject({ state: 'needs_input', source: 'screen' });
    expect(brief(e.hook(hook('PermissionRequest', { tool_name: 'Bash' }), 2_400))).toBe('needs_input/hook');
    expect(e.state?.detail).toBe('permission to use Bash');
  });

  it('takes over a state the screen found when a hook confirms it', () => {
    const e = claude();
    expect(brief(settled(e, (at) => e.screen(SPINNER_SCREEN, at), 1))).toBe('working/screen');
    expect(brief(e.hook(hook('UserPromptSubmit', { prompt: 'x' }), 1_000))).toBe('working/hook');
  });

  it('leaves a hook question when the question seen on screen goes away', () => {
    const e = claude();
    e.hook(hook('UserPromptSubmit', { prompt: 'x' }), 1);
    e.hook(hook('Notification', { notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' }), 2);
    // A screen drawn before the question appeared says nothing about the answer.
    expect(e.screen(SPINNER_SCREEN, 3)).toBeNull();
    expect(e.screen(QUESTION_SCREEN, 4)).toBeNull();
    expect(settled(e, (at) => e.screen(IDLE_SCREEN, at), 5)).toMatchObject({ state: 'idle', source: 'screen' });
  });
});

describe('the state engine without hooks', () => {
  it('reads the title, and a question on screen beats a busy title', () => {
    const e = claude();
    expect(brief(settled(e, (at) => e.title('✳ task', at), 0))).toBeNull(); // a stopped title waits for a screen
    expect(brief(settled(e, (at) => e.screen(IDLE_SCREEN, at), 0))).toBe('idle/title');
    expect(brief(settled(e, (at) => e.title('⠐ task', at), 1_000))).toBe('working/title');
    expect(settled(e, (at) => e.screen(SPINNER_SCREEN, at), 2_000)).toBeNull();
    expect(settled(e, (at) => e.screen(QUESTION_SCREEN, at), 3_000)).toMatchObject({
      state: 'needs_input',
      source: 'screen',
      detail: '│ Do you want to proceed?',
    });
    expect(brief(settled(e, (at) => e.screen(SPINNER_SCREEN, at), 4_000))).toBe('working/title');
    e.title('✳ task', 5_000);
    expect(brief(settled(e, (at) => e.screen(IDLE_SCREEN, at), 5_000))).toBe('idle/title');
  });

  it('does not flicker on a half-drawn frame: a reading must hold before it is adopted', () => {
    const e = claude();
    settled(e, (at) => e.screen(QUESTION_SCREEN, at), 0);
    expect(e.state?.state).toBe('needs_input');
    // The agent clears the screen and redraws the same question a moment later: a blank screen answers nothing.
    expect(e.screen([''], 1_000)).toBeNull();
    expect(e.due()).toBeNull();
    expect(e.screen(QUESTION_SCREEN, 1_000 + SIGNAL_SETTLE_MS / 2)).toBeNull();
    expect(e.state?.state).toBe('needs_input');
    // A frame drawn without the question (text but no hint) is a reading that must hold; the question comes back first.
    expect(e.screen(['some output'], 2_000)).toBeNull();
    expect(e.due()).toBe(2_000 + SIGNAL_SETTLE_MS);
    expect(e.screen(QUESTION_SCREEN, 2_000 + SIGNAL_SETTLE_MS / 2)).toBeNull();
    expect(e.tick(2_000 + SIGNAL_SETTLE_MS)).toBeNull();
    expect(e.state?.state).toBe('needs_input');
  });

  it('falls back to the screen when the title says nothing', () => {
    const e = new StateEngine({ signals: AGENT_ADAPTERS.codex.signals });
    expect(settled(e, (at) => e.title('codex', at), 1)).toBeNull();
    expect(brief(settled(e, (at) => e.screen(['• Working (4s • esc to interrupt)'], at), 1_000))).toBe('working/screen');
    const ask = ['Would you like to run the following command?', '  $ npm test', '› 1. Yes, proceed'];
    expect(brief(settled(e, (at) => e.screen(ask, at), 2_000))).toBe('needs_input/screen');
    expect(settled(e, (at) => e.screen(['Would you like to run the following command?'], at), 3_000)).toBeNull();
    expect(brief(settled(e, (at) => e.screen(['some output with no hint'], at), 4_000))).toBe('working/screen');
    expect(brief(settled(e, (at) => e.screen(['›', '  ⏎ send   ⌃J newline'], at), 5_000))).toBe('idle/screen');
  });

  it('reads only the bottom of the screen, where questions and spinners live', () => {
    const e = claude();
    const history = ['Do you want to make this edit? (answered long ago)', ...Array.from({ length: 20 }, (_, i) => `line ${i}`)];
    expect(settled(e, (at) => e.screen([...history, '> ', '  ? for shortcuts'], at), 1)).toMatchObject({ state: 'idle', source: 'screen' });
  });

  it('stays starting until something is recognised', () => {
    const e = claude();
    expect(e.output(1)).toBeNull();
    expect(e.screen(['Welcome!'], 2)).toBeNull();
    expect(e.state).toBeNull();
  });
});

describe('exit and watchdog', () => {
  it('is exited on code 0, failed otherwise, and final', () => {
    const ok = claude();
    expect(ok.exit(0, null, 5)).toEqual({ state: 'exited', source: 'exit', at: 5, detail: 'exit code 0' });
    expect(ok.hook(hook('UserPromptSubmit'), 6)).toBeNull();
    expect(ok.title('⠂ x', 6)).toBeNull();
    expect(ok.exit(1, null, 7)).toBeNull();
    expect(claude().exit(2, null, 1)).toMatchObject({ state: 'failed', detail: 'exit code 2' });
    expect(claude().exit(0, 'SIGKILL', 1)).toMatchObject({ state: 'failed', detail: 'killed by signal SIGKILL' });
  });

  it('idles a working session after the quiet period, counted from its last output, and wakes on a spinner', () => {
    const e = claude();
    settled(e, (at) => e.title('⠂ task', at), 700);
    expect(e.state).toMatchObject({ state: 'working', at: 1_000 });
    e.screen(SPINNER_SCREEN, 1_000);
    expect(e.due()).toBe(11_000);
    e.output(5_000);
    expect(e.due()).toBe(15_000);
    expect(e.tick(14_999)).toBeNull();
    expect(e.tick(15_000)).toEqual({ state: 'idle', source: 'watchdog', at: 15_000, detail: 'no output for 10 s' });
    expect(e.due()).toBeNull();
    expect(brief(settled(e, (at) => e.output(at), 20_000))).toBe('working/title');
  });

  it('does not watch sessions that are not working', () => {
    const e = claude();
    e.hook(hook('Stop'), 1);
    expect(e.due()).toBeNull();
    expect(e.tick(1_000_000)).toBeNull();
  });
});

/** A clock the test moves by hand; timers fire when it passes them. */
class ManualClock implements Clock {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

describe('the state observer', () => {
  it('runs the watchdog on its clock with one timer, and stops on dispose', () => {
    const clock = new ManualClock();
    const changes: StateChange[] = [];
    const observer = createStateObserver({ kind: 'claude-code', sessionId: 's', clock, watchdogMs: 1_000, onChange: (c) => changes.push(c) });
    observer.onTitle('⠂ task');
    expect(changes).toEqual([]);
    clock.advance(SIGNAL_SETTLE_MS);
    expect(changes.map(brief)).toEqual(['working/title']);
    expect(clock.pending).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(500);
      observer.onOutput('.');
    }
    expect(clock.pending).toBe(1);
    expect(changes.map(brief)).toEqual(['working/title']);
    clock.advance(1_000);
    expect(changes.map(brief)).toEqual(['working/title', 'idle/watchdog']);
    expect(observer.state?.at).toBe(SIGNAL_SETTLE_MS + 3_500);
    observer.onOutput('.');
    clock.advance(SIGNAL_SETTLE_MS);
    expect(changes.map(brief).at(-1)).toBe('working/title');
    observer.dispose();
    expect(clock.pending).toBe(0);
    observer.onExit(0, null);
    expect(changes.map(brief).at(-1)).toBe('working/title');
  });

  it('receives the session’s hooks from the hook server, including those sent before it existed', async () => {
    const server = await startHookServer();
    try {
      const token = server.authorize('s1');
      const url = await server.listen();
      const send = (body: object) =>
        fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-switchyard-session': 's1' }, body: JSON.stringify(body) });
      await send(hook('UserPromptSubmit', { prompt: 'early' }));
      const changes: StateChange[] = [];
      const observer = createStateObserver({ kind: 'claude-code', sessionId: 's1', hookServer: server, onChange: (c) => changes.push(c) });
      await send(hook('Stop'));
      expect(changes.map(brief)).toEqual(['working/hook', 'idle/hook']);
      observer.dispose();
      await send(hook('UserPromptSubmit', { prompt: 'after dispose' }));
      expect(changes).toHaveLength(2);
    } finally {
      await server.dispose();
    }
  });
});

describe("Gemini CLI's hook events", () => {
  it('read as states: a turn begins and ends, tools run, a tool asks for permission', () => {
    const read = (payload: Record<string, unknown>) => stateFromHook({ hook_event_name: 'x', ...payload });
    expect(read({ hook_event_name: 'BeforeAgent', prompt: 'add a note\nto README' })).toEqual({ state: 'working', detail: 'add a note' });
    expect(read({ hook_event_name: 'BeforeTool', tool_name: 'write_file' })).toEqual({ state: 'working', detail: 'write_file' });
    expect(read({ hook_event_name: 'AfterTool', tool_name: 'write_file' })).toEqual({ state: 'working', detail: 'write_file' });
    expect(read({ hook_event_name: 'Notification', notification_type: 'ToolPermission', message: 'Allow write_file?' })).toEqual({
      state: 'needs_input',
      detail: 'Allow write_file?',
    });
    expect(read({ hook_event_name: 'AfterAgent', prompt_response: 'Added the note.\nDone.' })).toEqual({ state: 'idle', detail: 'Added the note.' });
    expect(read({ hook_event_name: 'AfterAgent' })).toEqual({ state: 'idle', detail: 'turn finished' });
    expect(read({ hook_event_name: 'SessionEnd', reason: 'exit' })).toBeNull();
  });
});

/** The bytes of tests/fixtures/load-agent.mjs asking question n, and answering it (title first, as it writes them). */
const ASK = (n: number) => `\x1b]2;✋ action required\x07\r\x1b[2KAllow edit ${n}? (y/n) `;
const ANSWERED = (n: number) => `\r\x1b[2Kanswered ${n}\n\x1b]2;⠋ working\x07`;

describe('questions that follow each other faster than a reading settles', () => {
  it('surfaces the next question when its answer and the question come in one burst, and the same question once', async () => {
    const clock = new ManualClock();
    const changes: StateChange[] = [];
    const observer = createStateObserver({ kind: 'custom', sessionId: 's', clock, onChange: (c) => changes.push(c) });
    const driver = new TerminalDriver(observer, 80, 12);
    try {
      await driver.feed('\x1b]2;⠋ working\x07L0000001 plain #13\n');
      clock.advance(SIGNAL_SETTLE_MS);
      await driver.feed(ASK(1));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.map(brief), driver.explain()).toEqual(['working/title', 'needs_input/title']);
      // The answer, the agent's moment of work and its next question: one write, well within the settle time.
      await driver.feed(ANSWERED(1) + ASK(2));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.map(brief), driver.explain()).toEqual(['working/title', 'needs_input/title', 'working/title', 'needs_input/title']);
      expect(changes.at(-2)?.detail).toBe('question answered');
      // The same again, in two writes a few milliseconds apart.
      await driver.feed(ANSWERED(2));
      clock.advance(5);
      await driver.feed(ASK(3));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.filter((c) => c.state === 'needs_input'), driver.explain()).toHaveLength(3);
      // A redraw of the question in force is not a new question, even with a flicker of work between.
      const before = changes.length;
      await driver.feed('\x1b]2;⠋ working\x07');
      await driver.feed(ASK(3));
      clock.advance(SIGNAL_SETTLE_MS);
      await driver.feed('\r\x1b[2K');
      await driver.feed(ASK(3));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.slice(before), driver.explain()).toEqual([]);
      expect(observer.state?.state).toBe('needs_input');
      // An answer that really lets the agent work is the old path: working, then the next question.
      await driver.feed(ANSWERED(3));
      clock.advance(1_000);
      await driver.feed(ASK(4));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.slice(before).map(brief), driver.explain()).toEqual(['working/title', 'needs_input/title']);
    } finally {
      observer.dispose();
      driver.dispose();
    }
  });

  it('without a title: an answer sent while a question waits makes the next question on screen a new one, but not its echo or a move through a menu', async () => {
    const clock = new ManualClock();
    const changes: StateChange[] = [];
    const observer = createStateObserver({ kind: 'custom', sessionId: 's', clock, onChange: (c) => changes.push(c) });
    const driver = new TerminalDriver(observer, 80, 12);
    const ask = (n: number) => `\r\x1b[2KAllow edit ${n}? (y/n) `;
    const waits = () => changes.filter((c) => c.state === 'needs_input').length;
    try {
      await driver.feed(ask(1));
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.map(brief), driver.explain()).toEqual(['needs_input/screen']);
      // The answer is typed; the agent echoes it after the question, then works without saying so.
      observer.onInput('y');
      await driver.feed('y');
      clock.advance(SIGNAL_SETTLE_MS);
      expect(waits(), `the echo "y" is no new question\n${driver.explain()}`).toBe(1);
      // The answer's result and the next question in one burst: no title, no spinner in between.
      await driver.feed(`\r\n\r\x1b[2Kanswered 1\r\n${ask(2)}`);
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.map(brief), driver.explain()).toEqual(['needs_input/screen', 'working/screen', 'needs_input/screen']);
      expect(changes.at(-2)?.detail).toBe('question answered');
      // The same burst with no key sent is still read as the question in force (nothing says it was answered).
      await driver.feed(`\r\n\r\x1b[2Kanswered 2\r\n${ask(3)}`);
      clock.advance(SIGNAL_SETTLE_MS);
      expect(waits(), driver.explain()).toBe(2);

      // A menu: arrow keys move the cursor, changing the line the question is read from; only the choice answers.
      await driver.feed('\r\n\x1b[2KDo you want to proceed?\r\n❯ 1. Yes\r\n  2. No\r\n');
      clock.advance(SIGNAL_SETTLE_MS);
      const before = changes.length;
      observer.onInput('\x1b[B');
      await driver.feed('\x1b[2A\r\x1b[2K  1. Yes\r\n\x1b[2K❯ 2. No\r\n');
      clock.advance(SIGNAL_SETTLE_MS);
      expect(changes.slice(before), driver.explain()).toEqual([]);
      expect(observer.state?.state).toBe('needs_input');
    } finally {
      observer.dispose();
      driver.dispose();
    }
  });

  describe('the same words asked again', () => {
    const ASK_SAME = '\r\x1b[2KAllow edit? (y/n) ';

    /** An agent with no title, its output so far, and the number of times it was reported waiting. */
    async function untitled(first: string) {
      const clock = new ManualClock();
      const changes: StateChange[] = [];
      const observer = createStateObserver({ kind: 'custom', sessionId: 's', clock, onChange: (c) => changes.push(c) });
      const driver = new TerminalDriver(observer, 80, 12);
      const feed = async (data: string, settleMs = SIGNAL_SETTLE_MS) => {
        await driver.feed(data);
        clock.advance(settleMs);
      };
      await feed(first);
      expect(changes.map(brief), driver.explain()).toEqual(['needs_input/screen']);
      return { clock, changes, observer, driver, feed, waits: () => changes.filter((c) => c.state === 'needs_input').length };
    }

    it('are one question while it is redrawn in place, on a cleared screen, or after a key it echoed, with no output between', async () => {
      const { observer, driver, feed, waits } = await untitled(`L0000001 plain #13\r\n${ASK_SAME}`);
      try {
        await feed('\r\x1b[2K', 5);
        await feed(ASK_SAME);
        expect(waits(), `a redraw with no key\n${driver.explain()}`).toBe(1);
        observer.onInput('y');
        await feed('y');
        await feed(ASK_SAME);
        expect(waits(), `the answer's echo, then the question redrawn in place\n${driver.explain()}`).toBe(1);
        await feed('\x1b[2J\x1b[H', 5);
        await feed(ASK_SAME);
        expect(waits(), `a blank screen between two frames of it\n${driver.explain()}`).toBe(1);
        expect(observer.state?.state).toBe('needs_input');
      } finally {
        observer.dispose();
        driver.dispose();
      }
    });

    it('are a second question when the answer and the question again come in one burst, output above it', async () => {
      const { observer, driver, feed, waits, changes } = await untitled(`L0000001 plain #13\r\n${ASK_SAME}`);
      try {
        observer.onInput('y');
        await feed(`y\r\n\r\x1b[2Kanswered 1\r\n${ASK_SAME}`);
        expect(changes.map(brief), driver.explain()).toEqual(['needs_input/screen', 'working/screen', 'needs_input/screen']);
        expect(changes.at(-2)?.detail).toBe('question answered');
        // The same burst with no key sent: nothing says the question was answered.
        await feed(`\r\n\r\x1b[2Kanswered 2\r\n${ASK_SAME}`);
        expect(waits(), driver.explain()).toBe(2);
      } finally {
        observer.dispose();
        driver.dispose();
      }
    });

    it('are a second question when the answered one left the screen before it came back, in the same place', async () => {
      const { clock, observer, driver, feed, waits } = await untitled(`\x1b[2J\x1b[H${ASK_SAME}`);
      try {
        observer.onInput('y');
        // Gone for a moment shorter than a reading takes to settle, then the very same screen again.
        await feed('\x1b[2J\x1b[Hediting…', 5);
        await feed(`\x1b[2J\x1b[H${ASK_SAME}`);
        expect(waits(), driver.explain()).toBe(2);
        clock.advance(1_000);
        expect(observer.state?.state).toBe('needs_input');
      } finally {
        observer.dispose();
        driver.dispose();
      }
    });

    it('with a title: a second question when the title said work after the answer, not when it flickered with no answer', async () => {
      const clock = new ManualClock();
      const changes: StateChange[] = [];
      const observer = createStateObserver({ kind: 'custom', sessionId: 's', clock, onChange: (c) => changes.push(c) });
      const driver = new TerminalDriver(observer, 80, 12);
      const ask = `\x1b]2;✋ action required\x07${ASK_SAME}`;
      const waits = () => changes.filter((c) => c.state === 'needs_input').length;
      try {
        await driver.feed('\x1b]2;⠋ working\x07L0000001 plain #13\r\n');
        clock.advance(SIGNAL_SETTLE_MS);
        await driver.feed(ask);
        clock.advance(SIGNAL_SETTLE_MS);
        await driver.feed('\x1b]2;⠋ working\x07');
        await driver.feed(ask);
        clock.advance(SIGNAL_SETTLE_MS);
        expect(waits(), `a flicker of work with no key\n${driver.explain()}`).toBe(1);
        observer.onInput('y');
        await driver.feed('\x1b]2;⠋ working\x07');
        await driver.feed(ask);
        clock.advance(SIGNAL_SETTLE_MS);
        expect(waits(), driver.explain()).toBe(2);
      } finally {
        observer.dispose();
        driver.dispose();
      }
    });
  });
});
