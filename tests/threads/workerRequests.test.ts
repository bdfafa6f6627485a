import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { threadCpuMs } from '../../electron/core/threads/threadCpu';
import { WorkerRequestError, WorkerRequests, type WorkerReply } from '../../electron/core/threads/workerRequests';

/**
 * A real worker thread that answers { requestId, op, value, delayMs }: "echo" after the delay,
 * "fail" with an error reply, "spin" by never coming back to its event loop, "crash" by throwing
 * (an 'error' event, then exit), "exit" by ending with code 3, "note" with a message that answers
 * nothing, then the echo; "sleep" blocks without working for the delay, then answers; "tid"
 * answers the kernel's id of the thread.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ requestId, op, value, delayMs }) => {
  if (op === 'spin') for (;;);
  if (op === 'sleep') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    parentPort.postMessage({ requestId, value: 'slept' });
  }
  if (op === 'tid') parentPort.postMessage({ requestId, value: require('node:fs').readlinkSync('/proc/thread-self').split('/').pop() });
  if (op === 'crash') setImmediate(() => { throw new Error('crashed on purpose'); });
  if (op === 'exit') process.exit(3);
  if (op === 'fail') parentPort.postMessage({ requestId, error: 'no such thing: ' + value });
  if (op === 'note') parentPort.postMessage({ note: value });
  if (op === 'echo' || op === 'note') setTimeout(() => parentPort.postMessage({ requestId, value }), delayMs ?? 0);
});
`;

interface EchoReply extends WorkerReply {
  value?: string;
  error?: string;
}

const workers: Worker[] = [];
function echoWorker(): Worker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  workers.push(worker);
  return worker;
}
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

function requestsTo(worker: Worker, timeoutMs?: number, onTimeout?: () => void) {
  return new WorkerRequests<EchoReply>(worker, {
    name: 'the echo thread',
    timeoutMs,
    onTimeout,
    failureOf: (reply) => (reply.error === undefined ? undefined : new Error(reply.error)),
  });
}

async function rejection(promise: Promise<unknown>): Promise<WorkerRequestError> {
  const error = await promise.then(
    () => new Error('the request was answered'),
    (reason: unknown) => reason,
  );
  if (error instanceof WorkerRequestError) return error;
  throw error;
}

describe('requests to a worker thread', () => {
  it('matches each reply to its request when the replies come back out of order', async () => {
    const worker = echoWorker();
    const requests = requestsTo(worker);
    const ids: number[] = [];
    const ask = (value: string, delayMs: number) =>
      requests.request((requestId) => {
        ids.push(requestId);
        return { requestId, op: 'echo', value, delayMs };
      });
    const slow = ask('slow', 200);
    const fast = ask('fast', 0);
    const notes: unknown[] = [];
    worker.on('message', (message: { note?: string }) => message.note !== undefined && notes.push(message.note));
    const noted = requests.request((requestId) => ({ requestId, op: 'note', value: 'aside' }));
    expect(requests.size).toBe(3);
    expect(await fast).toMatchObject({ value: 'fast' });
    expect(await slow).toMatchObject({ value: 'slow' });
    // A message that answers no request reaches the owner's listener and leaves the request waiting for its own.
    expect(await noted).toMatchObject({ value: 'aside' });
    expect(notes).toEqual(['aside']);
    expect(new Set(ids).size).toBe(2);
    expect(requests.size).toBe(0);
  });

  it('rejects with the error a reply carries', async () => {
    const requests = requestsTo(echoWorker());
    await expect(requests.request((requestId) => ({ requestId, op: 'fail', value: 'x' }))).rejects.toThrow('no such thing: x');
    expect(await requests.request((requestId) => ({ requestId, op: 'echo', value: 'after' }))).toMatchObject({ value: 'after' });
  });

  it('rejects a request that waits past its timeout with reason timeout, and lets the owner end a stuck thread', async () => {
    const worker = echoWorker();
    let timedOut = 0;
    const requests = requestsTo(worker, 100, () => {
      timedOut++;
      void worker.terminate();
    });
    const started = performance.now();
    const stuck = await rejection(requests.request((requestId) => ({ requestId, op: 'spin' })));
    expect(stuck).toMatchObject({ reason: 'timeout', thread: 'the echo thread' });
    expect(stuck.message).toBe('the echo thread did not answer within 100 ms');
    expect(stuck.waitedMs).toBeGreaterThanOrEqual(99);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(timedOut).toBe(1);
    // The thread was terminated in onTimeout: what is asked after fails at once, as an exit.
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(await rejection(requests.request((requestId) => ({ requestId, op: 'echo', value: 'late' })))).toMatchObject({ reason: 'exit' });
  });

  it.runIf(process.platform === 'linux')('counts the thread\'s processor time against the timeout, when told it, not time spent waiting', async () => {
    const worker = echoWorker();
    const tid = Number((await requestsTo(worker).request((requestId) => ({ requestId, op: 'tid' }))).value);
    expect(threadCpuMs(tid)).toBeGreaterThanOrEqual(0);
    let timedOut = 0;
    const requests = new WorkerRequests<EchoReply>(worker, {
      name: 'the echo thread',
      timeoutMs: 100,
      workedMs: () => threadCpuMs(tid),
      onTimeout: () => timedOut++,
    });
    // Blocked four times the timeout without working: not timed out.
    expect(await requests.request((requestId) => ({ requestId, op: 'sleep', delayMs: 400 }))).toMatchObject({ value: 'slept' });
    expect(timedOut).toBe(0);
    const spinning = await rejection(requests.request((requestId) => ({ requestId, op: 'spin' })));
    expect(spinning).toMatchObject({ reason: 'timeout', message: 'the echo thread did not answer within 100 ms of work' });
    expect(timedOut).toBe(1);
  });

  it('takes a timeout per request over the default one', async () => {
    const requests = requestsTo(echoWorker(), 50);
    expect(await requests.request((requestId) => ({ requestId, op: 'echo', value: 'ok', delayMs: 300 }), { timeoutMs: 5_000 })).toMatchObject({
      value: 'ok',
    });
    expect(await rejection(requests.request((requestId) => ({ requestId, op: 'echo', value: 'late', delayMs: 300 })))).toMatchObject({
      reason: 'timeout',
    });
  });

  it('rejects every waiting request when the thread exits, and when it fails', async () => {
    const exiting = requestsTo(echoWorker());
    const waiting = [1, 2, 3].map(() => exiting.request((requestId) => ({ requestId, op: 'echo', value: 'never', delayMs: 60_000 })));
    const exit = exiting.request((requestId) => ({ requestId, op: 'exit' }));
    for (const request of [...waiting, exit]) {
      const error = await rejection(request);
      expect(error).toMatchObject({ reason: 'exit', message: 'the echo thread stopped (exit code 3)' });
    }
    expect(exiting.size).toBe(0);

    const failing = requestsTo(echoWorker());
    const pending = failing.request((requestId) => ({ requestId, op: 'echo', value: 'never', delayMs: 60_000 }));
    void failing.request((requestId) => ({ requestId, op: 'crash' })).catch(() => undefined);
    const error = await rejection(pending);
    expect(error).toMatchObject({ reason: 'error', message: 'the echo thread failed: crashed on purpose' });
    expect((error.cause as Error).message).toBe('crashed on purpose');
  });

  it('gives up a request when its signal aborts, and the reply that comes after changes nothing', async () => {
    const requests = requestsTo(echoWorker());
    const controller = new AbortController();
    const given = requests.request((requestId) => ({ requestId, op: 'echo', value: 'late', delayMs: 100 }), { signal: controller.signal });
    controller.abort();
    expect(await rejection(given)).toMatchObject({ reason: 'aborted' });
    expect(requests.size).toBe(0);
    expect(await rejection(requests.request(() => ({}), { signal: controller.signal }))).toMatchObject({ reason: 'aborted' });
    expect(await requests.request((requestId) => ({ requestId, op: 'echo', value: 'next', delayMs: 150 }))).toMatchObject({ value: 'next' });
  });

  it('rejects what waits when disposed, and every request after, leaving the thread running', async () => {
    const worker = echoWorker();
    const requests = requestsTo(worker, 60_000);
    const waiting = requests.request((requestId) => ({ requestId, op: 'echo', value: 'never', delayMs: 60_000 }));
    requests.dispose();
    expect(await rejection(waiting)).toMatchObject({ reason: 'disposed' });
    expect(await rejection(requests.request((requestId) => ({ requestId, op: 'echo', value: 'x' })))).toMatchObject({ reason: 'disposed' });
    expect(worker.listenerCount('message')).toBe(0);
    // The thread still answers whoever asks it next.
    const again = requestsTo(worker);
    expect(await again.request((requestId) => ({ requestId, op: 'echo', value: 'alive' }))).toMatchObject({ value: 'alive' });
  });
});
