import type { StorageStatus } from '../../../shared/contract';
import type { Disposable } from '../disposable';

/**
 * First wait before a write the storage refused is tried again (ms). Each failure doubles it, up
 * to STORAGE_RETRY_MAX_MS: a full disk is usually freed by hand, in seconds or minutes.
 */
export const STORAGE_RETRY_FIRST_MS = 250;
export const STORAGE_RETRY_MAX_MS = 5_000;

/**
 * A write failed because of the machine (the disk is full, an I/O error, a lock held too long),
 * not because of what it wrote: the same write can succeed later.
 */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    code === 'SQLITE_BUSY' ||
    (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))
  );
}

/**
 * Whether everything the core records reaches the disk. The writers that hold what the storage
 * refused report here; the user is told once when the first starts holding, and once when the
 * last has written everything again.
 */
export class StorageHealth {
  /** What each failing writer was last told by the database. */
  private readonly failing = new Map<string, string>();
  private lostChars = 0;

  constructor(private readonly onChange: (status: StorageStatus) => void) {}

  get status(): StorageStatus {
    const reason = [...this.failing.values()].at(-1) ?? null;
    return { degraded: this.failing.size > 0, reason, lostChars: this.lostChars };
  }

  /** `writer` holds writes the storage refused. */
  failed(writer: string, reason: string): void {
    const wasDegraded = this.failing.size > 0;
    this.failing.set(writer, reason);
    if (!wasDegraded) this.onChange(this.status);
  }

  /** Output that could not even be held is gone; the user hears how much when writing works again. */
  lost(chars: number): void {
    this.lostChars += chars;
  }

  /** `writer` has written everything it held. */
  recovered(writer: string): void {
    if (!this.failing.delete(writer) || this.failing.size > 0) return;
    this.onChange(this.status);
    this.lostChars = 0;
  }
}

/** Runs an attempt again later, waiting twice as long after each failure (see STORAGE_RETRY_FIRST_MS). */
export class RetryTimer implements Disposable {
  private delayMs = STORAGE_RETRY_FIRST_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly attempt: () => void) {}

  /** Schedules the next attempt, unless one is scheduled already. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.attempt();
    }, this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, STORAGE_RETRY_MAX_MS);
  }

  /** The storage works again: the next failure waits the shortest time again. */
  reset(): void {
    this.delayMs = STORAGE_RETRY_FIRST_MS;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
