import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import { isStorageFailure, RetryTimer, type StorageHealth } from './storageHealth';

interface Write {
  what: string;
  write: () => void;
}

/**
 * The core's own small records (a session's state, its exit, its task's column) that the storage
 * refused: kept in order and made again once there is room, so that a full disk never throws out
 * of the path that reports them. A later write waits behind the ones held, so that they land in
 * the order they were made.
 */
export class UnsavedWrites implements Disposable {
  private readonly queue: Write[] = [];
  private readonly retry = new RetryTimer(() => this.drain());

  constructor(
    private readonly health: StorageHealth,
    private readonly log: Logger,
  ) {}

  /** How many writes wait for room. */
  get held(): number {
    return this.queue.length;
  }

  /**
   * Makes the write now, or later when the storage refuses it. Whether it was made now. A failure
   * that waiting cannot cure is logged and the write dropped: it never throws.
   */
  run(what: string, write: () => void): boolean {
    const entry = { what, write };
    if (this.queue.length > 0) {
      this.queue.push(entry);
      return false;
    }
    if (this.attempt(entry)) return true;
    this.queue.push(entry);
    this.retry.schedule();
    return false;
  }

  /** True once the write is made or dropped; false when the storage refused it. */
  private attempt(entry: Write): boolean {
    try {
      entry.write();
      return true;
    } catch (error) {
      if (!isStorageFailure(error)) {
        this.log.error(`could not record ${entry.what}`, error);
        return true;
      }
      this.health.failed('records', (error as Error).message);
      return false;
    }
  }

  private drain(): void {
    while (this.queue.length > 0) {
      if (!this.attempt(this.queue[0]!)) {
        this.retry.schedule();
        return;
      }
      this.queue.shift();
    }
    this.retry.reset();
    this.health.recovered('records');
  }

  /** One last try; what the storage still refuses is logged. */
  dispose(): void {
    this.retry.dispose();
    this.drain();
    this.retry.dispose();
    for (const entry of this.queue.splice(0)) this.log.error(`could not record ${entry.what}: the storage refused it until shutdown`);
  }
}
