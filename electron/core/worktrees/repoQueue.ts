import type { Disposable } from '../disposable';
import { explainGitFailure } from '../git/gitFailure';

/**
 * Runs the operations of one repository one at a time, in the order they were asked for; different
 * repositories run in parallel. Git takes locks (index, refs, worktree admin files) that two
 * concurrent commands on the same repository would fight over. An operation that fails for a reason
 * of the repository's (a lock another process holds, the repository gone) fails with the typed
 * error that says so.
 */
export class RepoQueue implements Disposable {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(repoPath: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(repoPath) ?? Promise.resolve();
    const result = previous.then(operation, operation).catch(async (error: unknown) => {
      throw await explainGitFailure(repoPath, error);
    });
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(repoPath, tail);
    void tail.then(() => {
      if (this.tails.get(repoPath) === tail) this.tails.delete(repoPath);
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
