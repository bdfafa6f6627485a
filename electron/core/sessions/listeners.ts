import type { Disposable } from '../disposable';

/**
 * A set of listeners told one value at a time. A listener that throws is handed to `onError`
 * and the others are still told: a failing listener never reaches the pty's callbacks or the
 * socket's, where it would end the process.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onError: (error: unknown, value: T) => void) {}

  add(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  tell(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error, value);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
