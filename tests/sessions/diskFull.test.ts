import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import type { AnyEvent } from '../../electron/core/events';
import type { TaskLauncher } from '../../electron/core/sessions/taskLauncher';
import { sessionMembers } from '../../electron/core/sessions/processGroup';
import type { CreateTerminalObserver } from '../../electron/core/sessions/terminalObserver';
import { plainText } from '../../electron/core/sessions/transcriptText';
import type { StateChange, StorageStatus } from '../../shared/contract';
import { makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/** SQLite's largest page cap: no cap at all. */
const NO_PAGE_LIMIT = 1_073_741_823;

/** An agent that prints numbered lines without end and flips its title at each key (see the fixture). */
const NUMBERED_LINES = join(import.meta.dirname, '..', 'fixtures', 'numbered-lines.mjs');
const launcher: TaskLauncher = async () => ({ file: process.execPath, args: [NUMBERED_LINES], env: {}, cwd: tempDir() });

/** Believes the terminal title, as the state engine does for agents without hooks. */
const byTitle: CreateTerminalObserver = (_session, report) => ({
  onOutput: () => {},
  onTitle: (title) => {
    if (title === 'waiting' || title === 'busy') {
      report({ state: title === 'waiting' ? 'needs_input' : 'working', source: 'title', at: Date.now(), detail: title });
    }
  },
  onScreen: () => {},
  onInput: () => {},
  onExit: () => {},
  dispose: () => {},
});

/** The numbers of the agent's lines in a plain-text transcript, in the order they appear. */
function lineNumbers(text: string): number[] {
  return [...text.matchAll(/^line (\d{6}) x{150}$/gm)].map((match) => Number(match[1]));
}

/** What SQLite itself holds of a session's transcript, bypassing what the store holds in memory. */
function storedTranscript(core: Core, sessionId: string): { seqs: number[]; text: string } {
  const rows = core.database.sqlite
    .prepare('SELECT seq, data FROM transcript_chunks WHERE session_id = ? ORDER BY seq')
    .all(sessionId) as { seq: number; data: string }[];
  return { seqs: rows.map((row) => row.seq), text: plainText(rows.map((row) => row.data).join('')) };
}

function storedStates(core: Core, sessionId: string): string[] {
  const rows = core.database.sqlite
    .prepare('SELECT state, detail FROM state_changes WHERE session_id = ? ORDER BY id')
    .all(sessionId) as { state: string; detail: string | null }[];
  return rows.map((row) => `${row.state}/${row.detail ?? ''}`);
}

describe('a disk that fills up while an agent floods', () => {
  it('holds output and states in memory, says so once, stops cleanly, and writes every line in order once there is room', async () => {
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger(), launcher, createObserver: byTitle });
    cores.push(core);
    const events: AnyEvent[] = [];
    core.bus.subscribe((event) => events.push(event));
    const storageEvents = () => events.flatMap((e) => (e.event === 'storage.changed' ? [e.payload as StorageStatus] : []));
    const announcedStates = () =>
      events.flatMap((e) => (e.event === 'session.state' ? [`${(e.payload.change as StateChange).state}/${e.payload.change.detail ?? ''}`] : []));

    const project = await core.projects.add(makeRepo());
    const task = core.tasks.create({ projectId: project.id, title: 'flood', prompt: 'print', status: 'ready', priority: 'normal', phase: null });
    const session = await core.sessions.start(task.id);
    const printed = async () => lineNumbers((await core.transcripts.export(session.id, 'text')).data);
    await waitFor('a first stretch of output', async () => (await printed()).length >= 300);

    // The disk fills: neither the main connection nor the transcript writer may grow the file.
    const pages = core.database.sqlite.pragma('page_count', { simple: true }) as number;
    core.database.sqlite.pragma(`max_page_count = ${pages}`);
    core.transcript.limitPages(pages);
    const linesAtFull = (await printed()).length;
    await waitFor('the user told that writes fail', () => storageEvents().length > 0);
    expect(storageEvents()).toEqual([{ degraded: true, reason: 'database or disk is full', lostChars: 0 }]);

    // State changes go on while full, until one no longer fits in the pages the database has.
    for (let toggles = 1; storedStates(core, session.id).length === announcedStates().length; toggles++) {
      expect(toggles).toBeLessThan(400);
      await core.sessions.input(session.id, 'x');
      await waitFor(`state change ${toggles}`, () => announcedStates().length === toggles + 1);
    }
    // The agent keeps printing, and what it prints is there to read though not on disk.
    await waitFor('more output while full', async () => (await printed()).length >= linesAtFull + 500, 20_000);
    const whileFull = storedTranscript(core, session.id);
    expect(lineNumbers(whileFull.text).length).toBeLessThan((await printed()).length);

    const stop = await core.dispatch('sessions.stop', { sessionId: session.id });
    expect(stop.ok).toBe(true);
    await waitFor('the exit told', () => events.some((e) => e.event === 'session.exited'));
    expect(sessionMembers(session.pid!)).toEqual([]);
    expect(announcedStates().at(-1)).toBe('exited/stopped');
    expect(storageEvents()).toHaveLength(1);

    // Space returns.
    core.database.sqlite.pragma(`max_page_count = ${NO_PAGE_LIMIT}`);
    core.transcript.limitPages(NO_PAGE_LIMIT);
    await waitFor('the user told that everything is written', () => storageEvents().length === 2, 20_000);
    expect(storageEvents()[1]).toEqual({ degraded: false, reason: null, lostChars: 0 });

    const stored = storedTranscript(core, session.id);
    expect(stored.seqs).toEqual(stored.seqs.map((_, i) => i + 1));
    const numbers = lineNumbers(stored.text);
    expect(numbers.length).toBeGreaterThanOrEqual(linesAtFull + 500);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(storedStates(core, session.id)).toEqual(announcedStates());
    expect(core.sessions.get(session.id)).toMatchObject({ state: 'exited', exitCode: expect.any(Number) });
    expect(core.sessions.get(session.id).endedAt).not.toBeNull();
    // Stopped in the middle of its work: back to Ready, so that a run starts it again.
    expect(core.tasks.get(task.id).status).toBe('ready');
  }, 60_000);
});
