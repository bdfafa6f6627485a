import { randomUUID } from 'node:crypto';
import { clientMessageSchema, type ServerMessage } from '../../../shared/protocol';
import type { ClientContext } from '../clientContext';
import type { Disposable } from '../disposable';
import type { Deliver, Dispatch } from './dispatcher';
import type { EventBus } from '../events';

/**
 * One client, whatever its transport (an Electron window over IPC, a browser tab over a
 * WebSocket): it parses incoming envelopes, answers calls through the dispatcher, delivers one-way
 * messages (telling the client only when one is refused), and forwards events until disposed. A
 * malformed message is answered with BAD_INPUT, under its id when one can be read from it and
 * under the id null otherwise.
 */
export class Connection implements Disposable {
  private readonly subscription: Disposable;
  private readonly closeListeners = new Set<() => void>();
  private open = true;
  /** What handlers see of this client: they may send it events of its own (terminal output). */
  readonly client: ClientContext = {
    clientId: randomUUID(),
    send: (event, payload) => this.post({ kind: 'event', event, payload }),
    onClose: (listener) => {
      this.closeListeners.add(listener);
      return { dispose: () => void this.closeListeners.delete(listener) };
    },
  };

  constructor(
    private readonly dispatch: Dispatch,
    private readonly deliver: Deliver,
    bus: EventBus,
    private readonly send: (message: ServerMessage) => void,
    private readonly onDispose?: () => void,
  ) {
    this.subscription = bus.subscribe(({ event, payload }) => this.post({ kind: 'event', event, payload }));
  }

  /** A message as JSON text (the WebSocket): text that is not JSON is answered with BAD_INPUT. */
  receiveText(text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      this.refuse(null, `the message is not JSON (${error instanceof Error ? error.message : String(error)})`);
      return Promise.resolve();
    }
    return this.receive(raw);
  }

  async receive(raw: unknown): Promise<void> {
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const readable = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
      const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
      this.refuse(readable ? id : null, `malformed message envelope: ${problems.join('; ')}`);
      return;
    }
    if (parsed.data.kind === 'message') {
      const { method, input } = parsed.data;
      const refused = await this.deliver(method, input, this.client);
      if (refused) this.client.send('message.refused', { method, error: refused });
      return;
    }
    const { id, method, input } = parsed.data;
    const result = await this.dispatch(method, input, this.client);
    this.post(result.ok ? { kind: 'result', id, ok: true, output: result.output } : { kind: 'result', id, ...result });
  }

  /** Answers a message that cannot be a call; `id` is null when none could be read from it. */
  private refuse(id: number | null, message: string): void {
    this.post({ kind: 'result', id, ok: false, error: { code: 'BAD_INPUT', message } });
  }

  private post(message: ServerMessage): void {
    if (this.open) this.send(message);
  }

  dispose(): void {
    if (!this.open) return;
    this.open = false;
    this.subscription.dispose();
    for (const listener of [...this.closeListeners]) listener();
    this.closeListeners.clear();
    this.onDispose?.();
  }
}
