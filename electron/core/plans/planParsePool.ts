import type { Root } from 'mdast';
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { PLAN_PARSE_TIMEOUT_MS } from '../../../shared/constants';
import type { ParsedPlan } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import { threadCpuMs } from '../threads/threadCpu';
import { WorkerRequestError, WorkerRequests } from '../threads/workerRequests';
import { startWorker } from '../workerEntry';
import type { PlanInput, PlanParseReply, PlanParseRequest, ReadyMessage } from './planParseProtocol';

/**
 * Plans of at least this many characters are parsed in pieces on several threads. A smaller one
 * is read by one thread (in pieces too, one after another): it parses in about 0.3 s or less on a
 * slow machine, which handing pieces to other threads and copying their trees back would barely
 * shorten.
 */
const PARALLEL_MIN_CHARS = 256 * 1024;
/** Parsing threads at most, however many processors there are: each can hold PARSE_WORKER_YOUNG_MB. */
const MAX_PARSE_WORKERS = 4;
/**
 * Young generation of a parsing thread (MB). Parsing a piece allocates tens of MB that live until
 * its tree is built; with room for them the collector seldom has to copy them. With V8's default
 * (or 32 or 64 MB) two threads read a 10,000-task plan barely faster than one; with 128 MB, in
 * about two thirds of the time. The memory is given back when the threads stop.
 */
const PARSE_WORKER_YOUNG_MB = 128;
/**
 * The parsing threads stop after this long without a plan (ms), giving back their memory (about
 * 150 MB each once they have parsed a large one); the next plan starts them again.
 */
const PARSE_WORKERS_IDLE_MS = 60_000;

/** The reply that answers a request of this kind. */
type Reply<K extends string> = Extract<PlanParseReply, Record<K, unknown>>;

/** One parsing thread and the requests it has not answered yet. */
interface ParseThread {
  worker: Worker;
  /** Settles when the thread is up and its modules loaded (or it could not start). */
  started: Promise<void>;
  requests: WorkerRequests<PlanParseReply>;
  /** Requests asked of it and not yet answered, counting those waiting for it to start. */
  asked: number;
}

/**
 * Parses plans for the importer, always on worker threads, so that the core's event loop goes on
 * answering while a plan is read; only the plan read comes back. One thread leads each plan: it
 * decodes and checks the text, refuses it if its nesting is over the limits (planLimits.ts), and
 * reads it; a large plan is cut at headings into pieces that the other threads parse beside it
 * (planParseWorker.ts). A thread that spends longer than the time budget on a request is stopped
 * and the plan refused as BAD_PLAN `timeout`. The threads start with the first plan and stay,
 * without keeping the process alive, until they have been idle a while or the pool is disposed.
 */
export class PlanParsePool implements Disposable {
  private readonly threads: ParseThread[] = [];
  /** One thread per processor, up to MAX_PARSE_WORKERS; pieces only when there are two or more. */
  private readonly threadCount = Math.max(1, Math.min(MAX_PARSE_WORKERS, availableParallelism()));
  private readonly timeoutMs: number;
  /** The reads under way: dispose lets them finish (each within the time budget). */
  private readonly reading = new Set<Promise<unknown>>();
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? PLAN_PARSE_TIMEOUT_MS;
  }

  /** How many parsing threads run now. */
  get runningThreads(): number {
    return this.threads.length;
  }

  /** Reads a plan from bytes (a file): decoding, repair, then parse. */
  parseBytes(bytes: Uint8Array): Promise<ParsedPlan> {
    return this.track(() => this.read({ bytes }, bytes.length));
  }

  /** Reads a plan from text (a dropped file already decoded by the client). */
  parseText(content: string): Promise<ParsedPlan> {
    return this.track(() => this.read({ text: content }, content.length));
  }

  /** The markdown tree of a plan's checked text, as the reader walks it: in pieces when the text is large. */
  markdownTree(text: string): Promise<Root> {
    return this.track(async () => {
      const reply = await this.lead<Reply<'tree'>>(text.length, (requestId, helpers) => ({ type: 'tree', requestId, text, helpers }));
      return reply.tree;
    });
  }

  private async read(input: PlanInput, size: number): Promise<ParsedPlan> {
    const reply = await this.lead<Reply<'plan'>>(size, (requestId, helpers) => ({ type: 'read', requestId, input, helpers }));
    return reply.plan;
  }

  /**
   * Asks the least busy thread to lead a request, with the other threads as its helpers when the
   * text is large; again on another thread if the one leading was stopped under it (for another
   * plan that ran past the budget).
   */
  private async lead<R extends PlanParseReply>(size: number, make: (requestId: number, helpers: MessagePort[]) => PlanParseRequest): Promise<R> {
    const attempt = () => {
      const leader = this.leastBusy();
      const helpers = size >= PARALLEL_MIN_CHARS ? this.startThreads().filter((thread) => thread !== leader) : [];
      const channels = helpers.map(() => new MessageChannel());
      helpers.forEach((helper, i) => {
        const port = channels[i]!.port2;
        // A helper that fails only leaves more pieces to the leading thread.
        this.ask(helper, (requestId) => ({ type: 'help', requestId, lead: port }), [port]).catch(() => undefined);
      });
      const ports = channels.map((channel) => channel.port1);
      return this.ask<R>(leader, (requestId) => make(requestId, ports), ports);
    };
    return attempt().catch((error: unknown) => {
      if (error instanceof WorkerRequestError && error.reason === 'exit') return attempt();
      throw error;
    });
  }

  /**
   * Runs `work` as one read of the pool: a request past the time budget becomes BAD_PLAN `timeout`;
   * dispose waits for it; the threads are set idle after the last read.
   */
  private track<T>(work: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new SwitchyardError('UNAVAILABLE', 'the plan parser has been shut down'));
    clearTimeout(this.idleTimer);
    const done = work().catch((error: unknown) => {
      if (error instanceof WorkerRequestError && error.reason === 'timeout') throw this.timeoutError();
      throw error;
    });
    const held = done.finally(() => {
      this.reading.delete(held);
      if (this.reading.size === 0 && !this.disposed) this.idle();
    });
    this.reading.add(held);
    return held;
  }

  private timeoutError(): SwitchyardError {
    return new SwitchyardError('BAD_PLAN', `the plan took more than ${this.timeoutMs} ms to read; its reading was stopped`, {
      reason: 'timeout',
      limit: this.timeoutMs,
    });
  }

  /**
   * Asks a thread. The time budget counts the thread's processor time (where Linux tells it; else
   * the wall clock) from when the thread is up, and a thread that spends longer on the request is
   * stopped.
   */
  private async ask<R extends PlanParseReply>(thread: ParseThread, make: (requestId: number) => PlanParseRequest, transfer: MessagePort[] = []): Promise<R> {
    // Held while it works for someone who waits; idle, it does not keep the process alive.
    thread.worker.ref();
    thread.asked++;
    try {
      await thread.started;
      return await thread.requests.request<R>(make, { timeoutMs: this.timeoutMs, transfer });
    } finally {
      if (--thread.asked === 0) thread.worker.unref();
    }
  }

  private leastBusy(): ParseThread {
    const idle = this.threads.find((thread) => thread.asked === 0);
    if (idle) return idle;
    if (this.threads.length < this.threadCount) return this.startThread();
    return this.threads.reduce((least, thread) => (thread.asked < least.asked ? thread : least));
  }

  private startThreads(): ParseThread[] {
    while (this.threads.length < this.threadCount) this.startThread();
    return [...this.threads];
  }

  private startThread(): ParseThread {
    const worker = startWorker('planParseWorker', undefined, { maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB });
    worker.unref();
    let tid: number | undefined;
    const requests = new WorkerRequests<PlanParseReply>(worker, {
      name: 'a plan parsing thread',
      // The budget is the thread's processor time: a busy machine slows a parse without ending it.
      workedMs: () => (tid === undefined ? undefined : threadCpuMs(tid)),
      // A thread past the budget is parsing something it may never finish: only stopping it ends that.
      onTimeout: () => void worker.terminate(),
      failureOf: (reply) => ('error' in reply ? toError(reply.error) : undefined),
    });
    const started = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: PlanParseReply | ReadyMessage) => {
        if (!('ready' in message)) return;
        tid = message.tid;
        resolve();
      });
      worker.once('exit', (code) => reject(new Error(`a plan parsing thread could not start (exit code ${code})`)));
    });
    // Whoever asks the thread hears why it did not start; nobody else need.
    started.catch(() => undefined);
    const thread: ParseThread = { worker, started, requests, asked: 0 };
    // A thread that stops is replaced by the next plan; its unanswered requests are rejected (WorkerRequests).
    const lost = () => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.threads.push(thread);
    return thread;
  }

  private idle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopThreads(), PARSE_WORKERS_IDLE_MS);
    this.idleTimer.unref();
  }

  private async stopThreads(): Promise<void> {
    await Promise.all(
      this.threads.splice(0).map(async ({ worker, requests }) => {
        await worker.terminate();
        requests.dispose();
      }),
    );
  }

  /** Lets the reads under way finish (each within the time budget), then stops the threads. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    await Promise.allSettled([...this.reading]);
    await this.stopThreads();
  }
}

/** A thread's error reply as the error it stands for: typed errors stay typed, anything else is INTERNAL. */
function toError(data: { code: string; message: string; details?: Record<string, unknown> }): Error {
  if (data.code === 'INTERNAL') return new Error(data.message);
  return new SwitchyardError(data.code as SwitchyardError['code'], data.message, data.details);
}
