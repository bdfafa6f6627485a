import type { Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import { WorkerRequests } from '../threads/workerRequests';
import { startWorker } from '../workerEntry';
import type { MirrorReply, MirrorRequest } from './mirrorProtocol';
import { textBatcher, type Batcher } from './outputBatcher';

/**
 * Output is handed to the mirror in one write per interval rather than per batch: parsing is the
 * most expensive step of the hot path, and it must not sit between the pty and the panes (ms).
 */
export const MIRROR_FEED_DELAY_MS = 16;

/**
 * How far (characters) a mirror may fall behind the pty before the pty is paused. The mirror is
 * what a re-attaching pane is shown, so it may lag but not without bound; above this the program
 * waits for it, below MIRROR_LOW_WATERMARK_CHARS it runs again.
 */
export const MIRROR_HIGH_WATERMARK_CHARS = 4_000_000;
export const MIRROR_LOW_WATERMARK_CHARS = 1_000_000;

/** Output gathered for the mirror is posted at once beyond this size (characters). */
const MIRROR_POST_MAX_CHARS = 256 * 1024;

/**
 * Longest a screen request may wait for the mirror thread (ms): past it the pane attaches with an
 * empty screen rather than never. Generous, because the thread may first parse a long backlog.
 */
const MIRROR_REQUEST_TIMEOUT_MS = 15_000;

export interface MirrorListeners {
  onTitle?: (title: string) => void;
  /** The mirror parsed new output. */
  onParsed?: () => void;
  /**
   * The mirror answered a query in the output (where the cursor is, what the terminal is); `seq`:
   * that output's batch. Given, the mirror is the session's one answerer: panes and attached
   * terminals leave these queries to it (shared/terminalQueries.ts), so that a program gets one
   * answer however many watch it, and one while nobody does.
   */
  onAnswer?: (data: string, seq: number) => void;
  /** The mirror fell too far behind (true) or caught up (false): pause or resume the pty. */
  onBackpressure?: (behind: boolean) => void;
}

/** One worker thread holding the headless mirrors of every session of the host. */
export class MirrorThread implements Disposable {
  private readonly worker: Worker;
  private readonly mirrors = new Map<string, RemoteMirror>();
  private readonly requests: WorkerRequests<Extract<MirrorReply, { requestId: number }>>;
  private nextReplay = 1;

  constructor(private readonly log: Logger) {
    this.worker = startWorker('mirrorWorker');
    this.worker.unref();
    // Whatever ends the thread, nobody waits for it forever: the requests reject and fall back.
    this.requests = new WorkerRequests(this.worker, { name: 'the mirror thread', timeoutMs: MIRROR_REQUEST_TIMEOUT_MS });
    this.worker.on('message', (reply: MirrorReply) => this.receive(reply));
    this.worker.on('error', (error) => log.error('the mirror thread failed', error));
  }

  create(id: string, cols: number, rows: number, listeners: MirrorListeners = {}): RemoteMirror {
    const mirror = new RemoteMirror(id, cols, rows, listeners, this);
    this.mirrors.set(id, mirror);
    this.post({ type: 'create', id, cols, rows, answers: listeners.onAnswer !== undefined });
    return mirror;
  }

  /**
   * The screen that finished output leaves (a session that ran before this app started, from its
   * transcript), parsed in the thread rather than on the caller's.
   */
  async replay(chunks: readonly { seq: number; data: string }[], cols: number, rows: number): Promise<{ snapshot: string; seq: number }> {
    const mirror = this.create(`replay-${this.nextReplay++}`, cols, rows);
    try {
      for (const chunk of chunks) mirror.write(chunk.seq, chunk.data);
      return await mirror.snapshot();
    } finally {
      mirror.dispose();
    }
  }

  /** @internal */
  post(request: MirrorRequest): void {
    if (request.type === 'dispose') this.mirrors.delete(request.id);
    this.worker.postMessage(request);
  }

  /**
   * @internal The reply to a request, or `fallback` when the thread cannot answer (it failed, ended
   * or took too long): a pane then attaches with less, never waits forever.
   */
  async request<T extends MirrorReply>(make: (requestId: number) => MirrorRequest, fallback: T): Promise<T> {
    try {
      return (await this.requests.request(make)) as T;
    } catch (error) {
      this.log.warn(`a screen request got no answer: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  }

  private receive(reply: MirrorReply): void {
    if (reply.type === 'parsed' || reply.type === 'title' || reply.type === 'answer') this.mirrors.get(reply.id)?.receive(reply);
  }

  async dispose(): Promise<void> {
    this.requests.dispose();
    await this.worker.terminate();
  }
}

/** The main side's handle on one session's mirror in the mirror thread. */
export class RemoteMirror implements Disposable {
  private readonly queue: Batcher<string>;
  private queuedSeq = 0;
  /** Characters posted to the thread that it has not parsed yet. */
  private backlog = 0;
  private behind = false;
  private disposed = false;

  constructor(
    private readonly id: string,
    private width: number,
    private height: number,
    private readonly listeners: MirrorListeners,
    private readonly thread: MirrorThread,
  ) {
    this.queue = textBatcher({ delayMs: MIRROR_FEED_DELAY_MS, maxChars: MIRROR_POST_MAX_CHARS }, (data) => this.feed(data));
  }

  get cols(): number {
    return this.width;
  }

  get rows(): number {
    return this.height;
  }

  /** Output for the mirror, the session's batch `seq`. */
  write(seq: number, data: string): void {
    if (this.disposed) return;
    this.queuedSeq = seq;
    this.queue.push(data);
  }

  /** Posts what waits to be read now: output of one run does not share a post with the next run's. */
  flush(): void {
    if (!this.disposed) this.queue.flush();
  }

  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    // Output written before the resize was laid out at the old size.
    this.queue.flush();
    this.width = cols;
    this.height = rows;
    this.thread.post({ type: 'resize', id: this.id, cols, rows });
  }

  /** The serialized screen once everything written so far is parsed, and the seq it corresponds to. */
  async snapshot(): Promise<{ snapshot: string; seq: number }> {
    if (this.disposed) return { snapshot: '', seq: this.queuedSeq };
    this.queue.flush();
    const seq = this.queuedSeq;
    const reply = await this.thread.request<Extract<MirrorReply, { type: 'snapshot' }>>(
      (requestId) => ({ type: 'snapshot', id: this.id, requestId }),
      { type: 'snapshot', requestId: 0, snapshot: '' },
    );
    return { snapshot: reply.snapshot, seq };
  }

  async screenLines(): Promise<string[]> {
    if (this.disposed) return [];
    const reply = await this.thread.request<Extract<MirrorReply, { type: 'screen' }>>(
      (requestId) => ({ type: 'screen', id: this.id, requestId }),
      { type: 'screen', requestId: 0, lines: [] },
    );
    return reply.lines;
  }

  /** @internal */
  receive(reply: Extract<MirrorReply, { type: 'parsed' | 'title' | 'answer' }>): void {
    if (reply.type === 'title') {
      this.listeners.onTitle?.(reply.title);
      return;
    }
    if (reply.type === 'answer') {
      if (!this.disposed) this.listeners.onAnswer?.(reply.data, reply.seq);
      return;
    }
    this.backlog -= reply.chars;
    if (this.behind && this.backlog < MIRROR_LOW_WATERMARK_CHARS) {
      this.behind = false;
      this.listeners.onBackpressure?.(false);
    }
    this.listeners.onParsed?.();
  }

  private feed(data: string): void {
    this.backlog += data.length;
    this.thread.post({ type: 'write', id: this.id, data, seq: this.queuedSeq });
    if (!this.behind && this.backlog > MIRROR_HIGH_WATERMARK_CHARS) {
      this.behind = true;
      this.listeners.onBackpressure?.(true);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.dispose();
    this.thread.post({ type: 'dispose', id: this.id });
  }
}
