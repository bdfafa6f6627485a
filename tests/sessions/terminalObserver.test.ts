import { describe, expect, it } from 'vitest';
import type { CreateTerminalObserver } from '../../electron/core/sessions/terminalObserver';
import { waitFor } from '../helpers/waitFor';
import { exitOf, makeHost, outputOf, shell } from './hostHarness';

/**
 * An observer as a state engine would be one: it reads the title and the screen the host hands it
 * and reports what it infers. Here the rules are trivial; what is checked is what the host feeds
 * it and what it does with the reports.
 */
function recordingObserver(log: string[]): CreateTerminalObserver {
  return ({ sessionId }, report) => ({
    onOutput: (text) => log.push(`output:${text.length > 0}`),
    onTitle: (title) => {
      log.push(`title:${title}`);
      if (title === 'asking') report({ state: 'needs_input', source: 'title', at: Date.now(), detail: title });
    },
    onScreen: (lines) => {
      if (lines.some((line) => line.startsWith('Working on'))) {
        if (!log.includes('screen:working')) report({ state: 'working', source: 'screen', at: Date.now(), detail: 'Working on' });
        log.push('screen:working');
      }
    },
    onInput: (data) => log.push(`input:${data}`),
    onExit: (code) => log.push(`exit:${code}:${sessionId}`),
    dispose: () => log.push('disposed'),
  });
}

describe('session host: state observer', () => {
  it('feeds the observer output, titles (OSC 2), the parsed screen and the keys sent, and reports its changes in order', async () => {
    const log: string[] = [];
    const { host, events, states: reports } = makeHost({ createObserver: recordingObserver(log) });
    await host.send({
      type: 'spawn',
      sessionId: 's1',
      cols: 80,
      rows: 24,
      launch: shell(`printf 'Working on it\\r\\n'; read go; printf '\\033]2;asking\\007Proceed? '; read answer; echo "answer=$answer"`),
    });
    // The first screen sample may wait for the mirror thread to start; the program waits for us.
    await waitFor('working', () => log.includes('screen:working'));
    await host.send({ type: 'input', sessionId: 's1', data: 'go\r' });
    await waitFor('needs_input', () => log.includes('title:asking'));
    await host.send({ type: 'input', sessionId: 's1', data: 'y\r' });
    await waitFor('exit', () => exitOf(events, 's1'));
    expect(outputOf(events, 's1')).toContain('answer=y');
    const states = reports.map((r) => `${r.change.state}/${r.change.source}`);
    expect(states).toEqual(['starting/host', 'working/screen', 'needs_input/title', 'exited/exit']);
    expect(log).toContain('output:true');
    // The keys sent reach the observer, in order with what the program showed.
    expect(log.filter((l) => l.startsWith('input:') || l === 'title:asking')).toEqual(['input:go\r', 'title:asking', 'input:y\r']);
    expect(log.slice(-2)).toEqual(['exit:0:s1', 'disposed']);
  });
});
