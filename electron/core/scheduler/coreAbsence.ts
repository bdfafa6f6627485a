import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import { writePrivateFile } from '../privateFile';

/**
 * When the data folder's scheduler last ran, kept in the data folder so that the next core knows
 * how long nothing could start a task: the time it stopped (a quit, serve's SIGTERM, the end of a
 * run), or, after a crash, the last time it was seen alive (each pass of the scheduler, and a beat
 * while none comes).
 */
export const CORE_ALIVE_FILE = 'scheduler-alive.json';

/** How often a core that runs says it is alive while its scheduler has nothing to do (ms). */
export const ALIVE_BEAT_MS = 30_000;

/** A pass writes the time at most this often (ms): a burst of passes is one write. */
const PASS_WRITE_EVERY_MS = 5_000;

export interface CoreAliveRecord {
  pid: number;
  /** Epoch ms the core was last seen alive. */
  aliveAt: number;
  /** Epoch ms it stopped on purpose; null while it runs, or when it crashed. */
  stoppedAt: number | null;
}

/** The record the last core left in the data folder, or null when none ran there (or it cannot be read). */
export function readCoreAlive(dataDir: string): CoreAliveRecord | null {
  try {
    const value = JSON.parse(readFileSync(join(dataDir, CORE_ALIVE_FILE), 'utf8')) as Partial<CoreAliveRecord>;
    if (typeof value.aliveAt !== 'number') return null;
    return { pid: typeof value.pid === 'number' ? value.pid : 0, aliveAt: value.aliveAt, stoppedAt: typeof value.stoppedAt === 'number' ? value.stoppedAt : null };
  } catch {
    return null;
  }
}

/** Since when no core ran for the data folder, by the record the last one left; null when it says nothing. */
export function absentSince(record: CoreAliveRecord | null): number | null {
  return record === null ? null : (record.stoppedAt ?? record.aliveAt);
}

/** What the scheduler keeps of its own life in the data folder. */
export class CoreAbsence implements Disposable {
  /** Since when no core ran before this one (epoch ms), or null when this is the first (or it is unknown). */
  readonly since: number | null;
  /** When this core started (epoch ms). */
  readonly startedAt: number;
  private written = 0;
  private readonly beat: ReturnType<typeof setInterval>;
  private stopped = false;

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    now = Date.now(),
  ) {
    this.since = absentSince(readCoreAlive(dataDir));
    this.startedAt = now;
    this.write({ pid: process.pid, aliveAt: now, stoppedAt: null });
    this.beat = setInterval(() => this.alive(), ALIVE_BEAT_MS);
    this.beat.unref();
  }

  /** A pass of the scheduler ran: the core is alive. */
  alive(now = Date.now()): void {
    if (this.stopped || now - this.written < PASS_WRITE_EVERY_MS) return;
    this.write({ pid: process.pid, aliveAt: now, stoppedAt: null });
  }

  private write(record: CoreAliveRecord): void {
    const file = join(this.dataDir, CORE_ALIVE_FILE);
    try {
      writePrivateFile(file, `${JSON.stringify(record)}\n`);
      this.written = record.aliveAt;
    } catch (error) {
      // The record only words a reason: a full disk is told elsewhere, and the scheduler goes on.
      this.log.warn(`could not record that the scheduler runs (${CORE_ALIVE_FILE}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The core stops: the next one measures the wait from now. */
  dispose(): void {
    if (this.stopped) return;
    clearInterval(this.beat);
    const now = Date.now();
    this.write({ pid: process.pid, aliveAt: now, stoppedAt: now });
    this.stopped = true;
  }
}

/** A wait in words: "40 s", "12 min", "2 h 5 min". */
export function waitedWords(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
