import { CALL_TIMEOUT_MS } from '../../shared/constants';
import { isErrorData, SwitchyardError, type ErrorData } from '../../shared/errors';
import type { ClientMessage, EventMessage, ServerMessage } from '../../shared/protocol';
import { createCore, type Core } from '../core/app';
import { MigrationError } from '../core/db/client';
import type { Logger } from '../core/log';
import { consoleLogger } from '../core/log';
import { claimControlSocket, connectControl, type ControlClient, type ControlServer } from '../server/controlSocket';

/**
 * What a CLI command talks to: the core already running for the data folder (over its control
 * socket), or a core of its own. Either way through the contract: the same methods, the same
 * validation, the same events.
 */
export interface CoreAccess {
  /** `remote`: the app, serve or run that owns the data folder; `own`: this command's core. */
  readonly kind: 'remote' | 'own';
  /** The pid of the process whose core answers. */
  readonly pid: number;
  call<T>(method: string, input: unknown): Promise<T>;
  /** A one-way message (keystrokes, acks, resizes). */
  message(method: string, input: unknown): void;
  onEvent(listener: (event: EventMessage) => void): () => void;
  /** Called when the core goes away under the command (the app quit). */
  onClose(listener: () => void): () => void;
  /** Only for a command's own core: the core itself, for what needs it whole (a headless run). */
  readonly core: Core | null;
  close(): Promise<void>;
}

/** A failure the core sent: a typed error whose message says "CODE: message". */
export function failure(error: ErrorData | SwitchyardError): SwitchyardError {
  return new SwitchyardError(error.code, error.message, error.details);
}

/** The envelope's client half over any send: numbered calls, their answers, events. */
function envelope(send: (message: ClientMessage) => void) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (output: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  const eventListeners = new Set<(event: EventMessage) => void>();
  return {
    receive(message: ServerMessage) {
      if (message.kind === 'event') {
        for (const listener of eventListeners) listener(message);
        return;
      }
      const waiting = message.id === null ? undefined : pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id as number);
      clearTimeout(waiting.timer);
      if (message.ok) waiting.resolve(message.output);
      else waiting.reject(failure(message.error));
    },
    call<T>(method: string, input: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new SwitchyardError('UNAVAILABLE', `${method} had no answer within ${CALL_TIMEOUT_MS / 1000} s`));
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (output: unknown) => void, reject, timer });
        send({ kind: 'call', id, method, input });
      });
    },
    message(method: string, input: unknown) {
      send({ kind: 'message', method, input });
    },
    onEvent(listener: (event: EventMessage) => void) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    failAll(error: Error) {
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(error);
        pending.delete(id);
      }
    },
  };
}

export interface AccessOptions {
  dataDir: string;
  /** What this command's own core is, when it opens one (`cli`, or `run`). */
  role: string;
  /** Refuse to open a core of its own: the command needs one that is running (attach). */
  requireRunning?: string;
  /** Open a core of its own even when one runs (never: `run` with its own scheduler); default false. */
  log?: Logger;
}

/** A command's access to the core that answers on the control socket. */
export function remoteAccess(remote: ControlClient): CoreAccess {
  const wire = envelope((message) => remote.send(message));
  remote.onMessage((message) => wire.receive(message));
  const closeListeners = new Set<() => void>();
  remote.onClose(() => {
    wire.failAll(new SwitchyardError('UNAVAILABLE', `the core (pid ${remote.hello.pid}) went away`));
    for (const listener of closeListeners) listener();
  });
  return {
    kind: 'remote',
    pid: remote.hello.pid,
    call: wire.call,
    message: wire.message,
    onEvent: wire.onEvent,
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    core: null,
    close: async () => remote.close(),
  };
}

/** The running core for the data folder, or a core of this command's own (which then owns the control socket until closed). */
export async function openAccess(options: AccessOptions): Promise<CoreAccess> {
  const remote = await connectControl(options.dataDir);
  if (remote) return remoteAccess(remote);
  if (options.requireRunning) {
    throw new SwitchyardError('UNAVAILABLE', `no Switchyard runs for the data folder ${options.dataDir}: ${options.requireRunning}`);
  }
  const log = options.log ?? consoleLogger();
  const control: ControlServer = await claimControlSocket(options.dataDir, options.role, log);
  let core: Core;
  try {
    // It ends with the command: its scheduler starts nothing (an app, serve or run does, once one runs).
    core = createCore({ dataDir: options.dataDir, mode: 'browser', log, schedules: false });
  } catch (error) {
    await control.close();
    if (error instanceof MigrationError) throw new SwitchyardError('INTERNAL', error.message);
    throw error;
  }
  control.serve(core);
  const wire = envelope((message) => void connection.receive(message));
  const connection = core.connect((message) => wire.receive(message));
  return {
    kind: 'own',
    pid: process.pid,
    call: wire.call,
    message: wire.message,
    onEvent: wire.onEvent,
    onClose: () => () => undefined,
    core,
    async close() {
      connection.dispose();
      await control.close();
      await core.dispose();
    },
  };
}

/** Whether a value is a typed failure of the contract. */
export function isFailure(error: unknown): error is SwitchyardError | ErrorData {
  return error instanceof SwitchyardError || isErrorData(error);
}
