import serializeModule from '@xterm/addon-serialize';
import headlessModule from '@xterm/headless';
import type { Disposable } from '../disposable';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

/** Lines of history the mirror keeps; a re-attached pane gets this much scrollback. */
export const MIRROR_SCROLLBACK_LINES = 1_000;

/**
 * Output is handed to the mirror in one write per interval rather than per batch: parsing is the
 * most expensive step of the hot path, and it must not sit between the pty and the panes (ms).
 */
export const MIRROR_FEED_DELAY_MS = 16;

/**
 * A main-side `@xterm/headless` terminal that follows a session's output, so that a pane that
 * attaches (a reloaded window, a second browser) gets the current screen, and so that state
 * detection can read it. Output is queued and parsed later; `snapshot` catches up first.
 */
export class ScreenMirror implements Disposable {
  private readonly terminal: InstanceType<typeof Terminal>;
  private readonly serializer = new SerializeAddon();
  private queued: string[] = [];
  private queuedSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    cols: number,
    rows: number,
    private readonly listeners: { onTitle?: (title: string) => void; onParsed?: () => void } = {},
  ) {
    this.terminal = new Terminal({ cols, rows, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer as unknown as Parameters<typeof this.terminal.loadAddon>[0]);
    if (listeners.onTitle) this.terminal.onTitleChange(listeners.onTitle);
  }

  get cols(): number {
    return this.terminal.cols;
  }

  get rows(): number {
    return this.terminal.rows;
  }

  /** Queues one output batch; it is parsed within MIRROR_FEED_DELAY_MS. */
  write(seq: number, data: string): void {
    if (this.disposed) return;
    this.queued.push(data);
    this.queuedSeq = seq;
    this.timer ??= setTimeout(() => this.feed(), MIRROR_FEED_DELAY_MS);
  }

  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    // Output written before the resize was laid out at the old size.
    this.feed();
    this.terminal.resize(cols, rows);
  }

  /** The serialized screen once everything queued so far is parsed, and the seq it corresponds to. */
  snapshot(): Promise<{ snapshot: string; seq: number }> {
    if (this.disposed) return Promise.resolve({ snapshot: '', seq: this.queuedSeq });
    this.feed();
    const seq = this.queuedSeq;
    return new Promise((resolve) => {
      // xterm runs write callbacks in order, right after their own data is parsed and before the
      // next write's: the screen serialized here is exactly the screen after batch `seq`.
      this.terminal.write('', () => resolve({ snapshot: this.serializer.serialize(), seq }));
    });
  }

  /** The visible lines, as text. */
  screenLines(): string[] {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.terminal.rows; y++) {
      lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    }
    return lines;
  }

  private feed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued.length === 0) return;
    const data = this.queued.length === 1 ? this.queued[0]! : this.queued.join('');
    this.queued = [];
    this.terminal.write(data, this.listeners.onParsed);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queued = [];
    this.terminal.dispose();
  }
}
