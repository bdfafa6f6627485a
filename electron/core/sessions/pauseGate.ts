/** What can hold a session's pty paused. */
export type PauseReason =
  /** An attached client is too far behind on acknowledgements. */
  | 'clients'
  /** The screen mirror is too far behind on parsing. */
  | 'mirror'
  /** No client is attached and the unwatched sessions' output budget is overdrawn. */
  | 'budget';

/** What the gate pauses: the pty of the current run. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/**
 * One session's pause: the pty is paused while any reason holds it and resumed once none does.
 * The reasons outlive a run (a client behind stays behind across a restart); a program being
 * stopped is never paused, since a paused pty is never drained and its exit is reported only once
 * its output is read.
 */
export class PauseGate {
  private readonly reasons = new Set<PauseReason>();
  private pty: Pausable | undefined;
  private paused = false;
  private stopping = false;

  /** A new run's pty, running: paused at once when a reason still holds. */
  open(pty: Pausable): void {
    this.pty = pty;
    this.paused = false;
    this.stopping = false;
    this.apply();
  }

  /** The run ended: nothing to pause until the next one. */
  close(): void {
    this.pty = undefined;
  }

  set(reason: PauseReason, held: boolean): void {
    if (held) this.reasons.add(reason);
    else this.reasons.delete(reason);
    this.apply();
  }

  holds(reason: PauseReason): boolean {
    return this.reasons.has(reason);
  }

  /** The program is being stopped: it runs, whatever holds the gate, until it exits. */
  release(): void {
    this.stopping = true;
    this.apply();
  }

  private apply(): void {
    if (!this.pty) return;
    const pause = !this.stopping && this.reasons.size > 0;
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.pty.pause();
    else this.pty.resume();
  }
}
