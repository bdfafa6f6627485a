import { join } from 'node:path';
import { spawn as spawnPty } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, serveCli } from '../helpers/cli';
import { makeRepo } from '../helpers/gitRepo';
import { isRunning } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { terminalStateAfter } from '../helpers/terminalState';
import { waitFor } from '../helpers/waitFor';

const ASKS_CURSOR = join(import.meta.dirname, '..', 'fixtures', 'asks-cursor.mjs');

/** The cursor positions the program was given, as its GOT lines print them. */
const answers = (screen: string) => [...screen.matchAll(/GOT "(\\u001b\[\d+;\d+R)"/g)].map((m) => m[1]);

describe('switchyard attach', () => {
  it("puts this terminal on a served agent: its keys reach it, its questions get the host's one answer, and Ctrl-] leaves it running and gives the terminal back as it was", async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    await serveCli(dataDir);
    // A program that, once a line is typed, asks where the cursor is and turns on the alternate
    // screen, mouse reports, bracketed paste and the keypad, as full-screen agents do; it prints every input it gets as GOT <json>.
    const command = `'${process.execPath}' '${ASKS_CURSOR}' wait '\x1b[6n\x1b[?1049h\x1b[?1000;1006h\x1b[?2004h\x1b='`;
    const task = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Asker', '--command', command, '--data-dir', dataDir], repo);
    const session = cliJson<{ pid: number }>(['tasks', 'start', task.id, '--data-dir', dataDir], repo);

    const terminal = spawnPty(process.execPath, [cli, 'attach', task.id, '--data-dir', dataDir], { cols: 100, rows: 30, cwd: repo, env: process.env });
    let screen = '';
    terminal.onData((data) => {
      screen += data;
      // As a real terminal does: a question that reaches it is answered on its input.
      if (data.includes('\x1b[6n')) terminal.write('\x1b[9;9R');
    });
    const exited = new Promise<number>((resolve) => terminal.onExit(({ exitCode }) => resolve(exitCode)));
    const explain = () => JSON.stringify(screen.slice(-2_000));
    await waitFor('attached', () => screen.includes('detach with Ctrl-]'), { explain });

    terminal.write('hi');
    await waitFor('the keys at the agent', () => screen.includes('GOT "hi"'), { explain });
    terminal.write('\r');
    await waitFor("the host's answer", () => answers(screen).length > 0, { explain });
    // A key typed after it comes after any second answer there could have been.
    terminal.write('z');
    await waitFor('the next key at the agent', () => screen.includes('GOT "z"'), { explain });
    expect(screen).not.toContain('\x1b[6n');
    expect(answers(screen)).toHaveLength(1);
    expect(answers(screen)[0]).not.toBe('\\u001b[9;9R');

    const beforeDetach = screen.length;
    terminal.write('\x1d');
    expect(await exited).toBe(0);
    expect(screen).toContain('detached from Asker');
    expect(screen).toContain('it keeps running');
    expect(isRunning(session.pid)).toBe(true);
    // What the agent turned on was on in this terminal, and is off once it is given back.
    expect(await terminalStateAfter(screen.slice(0, beforeDetach), 100, 30)).toMatchObject({ screen: 'alternate', bracketedPasteMode: true, mouseTrackingMode: 'vt200' });
    expect(await terminalStateAfter(screen, 100, 30)).toEqual(await terminalStateAfter('', 100, 30));
  }, 120_000);
});
