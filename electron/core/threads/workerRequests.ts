import type { TransferListItem, Worker } from 'node:worker_threads';
import type { Disposable } from '../disposable';

/** Shortest wait before a timeout that counts the thread's work looks at it again (ms). */
const MIN_RECHECK_MS = 10;

/** Why a request to a worker thread got no answer. */
export type WorkerRequestFailure = 'timeout' | 'exit' | 'error' | 'aborted' | 'disposed';

/** A request to a worker thread that got no answer: why, from which thread, after how long. */
export class WorkerRequestError extends Error {
  constructor(
    readonly reason: WorkerRequestFailure,
    /** What the thread is, as its owner names it ("the plan parsing thread"). */
    readonly thread: string,
    /** How long the request had waited (ms). */
    readonly waitedMs: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkerRequestError';
  }
}

/** A message from the thread that answers the request numbered `requestId`. */
export interface WorkerReply {
  requestId: number;
}

export interface WorkerRequestsOptions<Reply> {
  /** What the thread is, for errors: "the mirror thread". */
  name: string;
  /** How long a request may wait for its reply (ms) unless it says otherwise; no limit when omitted. */
  timeoutMs?: number;
  /** Called once a request has timed out and been rejected: a thread stuck in a loop can be terminated here. */
  onTimeout?: () => void;
  /**
   * The processor time (ms) the thread has used so far, if its owner can tell (threadCpu.ts): a
   * timeout then counts the thread's work while the request waits, not the wall clock, so that a
   * busy machine does not time out a thread that is only waiting for a processor.
   */
  workedMs?: () => number | undefined;
  /** The error a reply carries instead of an answer, if it does: its request rejects with it. */
  failureOf?: (reply: Reply) => Error | undefined;
}

export interface RequestOptions {
  /** How long this request may wait for its reply (ms), instead of the default. */
  timeoutMs?: number;
  /** Gives up waiting (rejecting with reason 'aborted'); the thread is not told. */
  signal?: AbortSignal;
  transfer?: readonly TransferListItem[];
}

interface Pending<Reply> {
  resolve: (reply: Reply) => void;
  reject: (error: WorkerRequestError | Error) => void;
  startedAt: number;
  /** The thread's processor time when the request was posted, when it can be told. */
  workedAtStart: number | undefined;
  timer: NodeJS.Timeout | undefined;
  abort: (() => void) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * The requests waiting for a reply from one worker thread: it numbers them, matches each reply to
 * its request by `requestId` (messages without a pending `requestId` are left to the owner's own
 * listener), rejects a request that waits past its timeout, and rejects every one still waiting
 * when the thread fails or exits, or when this is disposed, so that nobody waits forever. Each
 * rejection is a WorkerRequestError that says why. The owner keeps the thread: starting,
 * terminating and ref-counting it are its business.
 */
export class WorkerRequests<Reply extends WorkerReply> implements Disposable {
  private readonly pending = new Map<number, Pending<Reply>>();
  private nextId = 1;
  /** Set once the thread is gone or this is disposed: every later request fails with it at once. */
  private ended: { reason: WorkerRequestFailure; message: string; cause?: unknown } | undefined;

  private readonly onMessage = (message: unknown) => this.receive(message);
  private readonly onError = (error: Error) => this.end('error', `${this.options.name} failed: ${error.message}`, error);
  private readonly onExit = (code: number) => this.end('exit', `${this.options.name} stopped (exit code ${code})`);

  constructor(
    private readonly worker: Worker,
    private readonly options: WorkerRequestsOptions<Reply>,
  ) {
    worker.on('message', this.onMessage);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
  }

  /** How many requests wait for a reply. */
  get size(): number {
    return this.pending.size;
  }

  /** Posts the request `make` builds with its number, and resolves with the reply that bears that number. */
  request<R extends Reply = Reply>(make: (requestId: number) => unknown, options: RequestOptions = {}): Promise<R> {
    const requestId = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const startedAt = performance.now();
      if (this.ended) {
        reject(new WorkerRequestError(this.ended.reason, this.options.name, 0, this.ended.message, { cause: this.ended.cause }));
        return;
      }
      if (options.signal?.aborted) {
        reject(new WorkerRequestError('aborted', this.options.name, 0, `a request to ${this.options.name} was given up`));
        return;
      }
      const entry: Pending<Reply> = {
        resolve: resolve as (reply: Reply) => void,
        reject,
        startedAt,
        workedAtStart: this.options.workedMs?.(),
        timer: undefined,
        abort: undefined,
        signal: options.signal,
      };
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
      if (timeoutMs !== undefined) this.arm(requestId, entry, timeoutMs, timeoutMs);
      if (options.signal) {
        entry.abort = () => this.fail(requestId, 'aborted', `a request to ${this.options.name} was given up`);
        options.signal.addEventListener('abort', entry.abort, { once: true });
      }
      this.pending.set(requestId, entry);
      this.worker.postMessage(make(requestId), options.transfer);
    });
  }

  /** Rejects every request still waiting, with `reason`. */
  rejectAll(reason: WorkerRequestFailure, message: string, cause?: unknown): void {
    for (const requestId of [...this.pending.keys()]) this.fail(requestId, reason, message, cause);
  }

  /** Rejects what still waits and stops listening to the thread; the thread itself is left to its owner. */
  dispose(): void {
    if (!this.ended) this.end('disposed', `${this.options.name} is no longer asked anything`);
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
  }

  private receive(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const requestId = (message as Partial<WorkerReply>).requestId;
    if (typeof requestId !== 'number') return;
    const entry = this.take(requestId);
    if (!entry) return;
    const reply = message as Reply;
    const failure = this.options.failureOf?.(reply);
    if (failure) entry.reject(failure);
    else entry.resolve(reply);
  }

  private arm(requestId: number, entry: Pending<Reply>, timeoutMs: number, inMs: number): void {
    entry.timer = setTimeout(() => this.timeOut(requestId, timeoutMs), inMs);
    entry.timer.unref();
  }

  private timeOut(requestId: number, timeoutMs: number): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    const now = entry.workedAtStart === undefined ? undefined : this.options.workedMs?.();
    const worked = now === undefined ? undefined : now - entry.workedAtStart!;
    // The thread has not worked that long yet: the rest of its time is counted again from here.
    if (worked !== undefined && worked < timeoutMs) {
      this.arm(requestId, entry, timeoutMs, Math.max(MIN_RECHECK_MS, timeoutMs - worked));
      return;
    }
    this.fail(requestId, 'timeout', `${this.options.name} did not answer within ${timeoutMs} ms${worked === undefined ? '' : ' of work'}`);
    this.options.onTimeout?.();
  }

  private end(reason: WorkerRequestFailure, message: string, cause?: unknown): void {
    this.ended ??= { reason, message, cause };
    this.rejectAll(reason, message, cause);
  }

  private fail(requestId: number, reason: WorkerRequestFailure, message: string, cause?: unknown): void {
    const entry = this.take(requestId);
    if (!entry) return;
    entry.reject(new WorkerRequestError(reason, this.options.name, performance.now() - entry.startedAt, message, { cause }));
  }

  /** Removes a request from those waiting, with its timer and abort listener. */
  private take(requestId: number): Pending<Reply> | undefined {
    const entry = this.pending.get(requestId);
    if (!entry) return undefined;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    if (entry.abort) entry.signal?.removeEventListener('abort', entry.abort);
    return entry;
  }
}
