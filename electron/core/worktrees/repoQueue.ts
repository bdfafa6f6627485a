import type { Disposable } from '../disposable';

/**
 * Runs the operations of one repository one at a time, in the order they were asked for; different
 * repositories run in parallel. Git takes locks (index, refs, worktree admin files) that two
 * concurrent commands on the same repository would fight over.
 */
export class RepoQueue implements Disposable {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(repoKey: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(repoKey) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(repoKey, tail);
    void tail.then(() => {
      if (this.tails.get(repoKey) === tail) this.tails.delete(repoKey);
    });
    return result;
  }

  /** Resolves when every queued operation has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** Waits for the operations already queued: none is cut off halfway. */
  dispose(): Promise<void> {
    return this.idle();
  }
}
