import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Disposable } from '../disposable';
import { writePrivateFile } from '../privateFile';
import { HOOK_EVENT_HEADER } from './hookRelay';

/**
 * The local door through which agent hooks report to the core: HTTP on 127.0.0.1 at a random port.
 * Each session gets its own random token; a request must name the session and carry its token, or
 * it is refused. Payloads are handed to whoever subscribed for that session (its state observer).
 *
 * A hook can also be answered: when `answer` returns JSON for an event, that JSON is the reply's
 * body (the relay prints it for the agent to obey) and the event is not handed on, since nobody
 * waits for what it asked. Otherwise the reply is empty (204) and the event goes to the listeners.
 * An answer may also come later (a promise): the event is handed on at once, since the agent now
 * waits for someone, and the reply is held until the promise settles — or is given up, with the
 * signal aborted, when the hook's connection closes first (the agent was answered another way).
 */

/** Largest hook payload accepted (bytes). PreToolUse carries the tool input, e.g. a whole file. */
export const HOOK_PAYLOAD_MAX_BYTES = 8 * 1024 * 1024;

/** Payloads kept for a session nobody listens to yet (the agent may fire before the observer exists). */
export const HOOK_BACKLOG_MAX = 64;

/** Random bytes in a session's token. */
const TOKEN_BYTES = 32;

export const HOOK_PATH = '/hook';

/** Claude Code's hook input: common fields plus the event's own, all kept. */
export const hookPayloadSchema = z.looseObject({
  hook_event_name: z.string().min(1).max(100),
  session_id: z.string().optional(),
});
export type HookPayload = z.infer<typeof hookPayloadSchema>;

/**
 * What Codex gives its `notify` program after every turn (its one event; JSON keys in kebab case):
 * `{"type":"agent-turn-complete","thread-id","turn-id","cwd","client","input-messages","last-assistant-message"}`.
 */
export const codexNotifySchema = z.looseObject({
  type: z.literal('agent-turn-complete'),
  'thread-id': z.string().max(200).optional(),
  'turn-id': z.string().max(200).optional(),
  'last-assistant-message': z.string().nullable().optional(),
  'input-messages': z.array(z.unknown()).optional(),
});

/**
 * GitHub Copilot CLI's hook events (1.0.102) as the Claude Code events they are. Its hook JSON
 * names no event (`{"sessionId","timestamp","cwd",…}`, keys in camel case), so each hook command
 * names its own (HOOK_ENV.event, sent in HOOK_EVENT_HEADER) — except `notification`, whose JSON is
 * Claude Code's (`"hook_event_name":"Notification","notification_type":"permission_prompt"` when
 * a tool waits for the user's permission). Its `permissionRequest` is not taken: it comes before
 * the rules that may allow the tool without asking.
 */
export const COPILOT_HOOK_EVENTS = {
  sessionStart: 'SessionStart',
  userPromptSubmitted: 'UserPromptSubmit',
  preToolUse: 'PreToolUse',
  postToolUse: 'PostToolUse',
  notification: 'Notification',
  agentStop: 'Stop',
  sessionEnd: 'SessionEnd',
} as const;

const copilotHookSchema = z.looseObject({
  sessionId: z.string().max(200).optional(),
  toolName: z.string().max(200).optional(),
  prompt: z.string().optional(),
});

/** A Copilot CLI hook's JSON read as the Claude Code event it is, its own fields kept; null for an event we did not give it. */
function readCopilotHook(value: unknown, event: string): HookPayload | null {
  const name = Object.hasOwn(COPILOT_HOOK_EVENTS, event) ? COPILOT_HOOK_EVENTS[event as keyof typeof COPILOT_HOOK_EVENTS] : undefined;
  const hook = copilotHookSchema.safeParse(value);
  if (name === undefined || !hook.success) return null;
  const { sessionId, toolName } = hook.data;
  return { ...hook.data, hook_event_name: name, ...(sessionId ? { session_id: sessionId } : {}), ...(toolName ? { tool_name: toolName } : {}) };
}

/**
 * How the prompts begin that Codex's TUI (0.171) gives threads of its own beside the user's: after
 * each user prompt it names the task in a short-lived thread, and it writes a catch-up for a user
 * who returns. Their turns end with a notification too, with their own thread id, at any moment of
 * the user's turn.
 */
export const CODEX_BACKGROUND_PROMPTS = ['Generate a concise, single-line task title', 'Write a brief catch-up for a user returning to this Codex task'];

/**
 * A hook's JSON as the state engine reads it, or null when it is neither a hook payload nor a
 * Codex notification. Codex's finished turn is read as the hook event it is, Claude Code's Stop,
 * with the thread id as the session id (what `codex resume <id>` takes); its own fields are kept.
 * The end of a background thread's turn (see CODEX_BACKGROUND_PROMPTS) keeps its own name, which
 * says nothing of the state, and names no session: it neither ends the user's turn nor is resumed.
 */
export function readHookPayload(value: unknown, event?: string): HookPayload | null {
  const hook = hookPayloadSchema.safeParse(value);
  if (hook.success) return hook.data;
  if (event !== undefined) return readCopilotHook(value, event);
  const notify = codexNotifySchema.safeParse(value);
  if (!notify.success) return null;
  const { type, 'thread-id': thread, 'last-assistant-message': message, 'input-messages': inputs } = notify.data;
  const first = Array.isArray(inputs) && typeof inputs[0] === 'string' ? inputs[0] : '';
  if (CODEX_BACKGROUND_PROMPTS.some((prompt) => first.startsWith(prompt))) return { ...notify.data, hook_event_name: type };
  return {
    ...notify.data,
    hook_event_name: 'Stop',
    ...(thread ? { session_id: thread } : {}),
    ...(typeof message === 'string' ? { last_assistant_message: message } : {}),
  };
}

export interface HookEvent {
  sessionId: string;
  payload: HookPayload;
  /** Epoch ms at which the core received it. */
  receivedAt: number;
}

export interface HookServer extends Disposable {
  /** Starts listening on 127.0.0.1 at a random port, once; resolves with `http://127.0.0.1:<port>/hook`. */
  listen(): Promise<string>;
  /** A fresh token for the session, replacing any earlier one. */
  authorize(sessionId: string): string;
  /** Forget the session: its token is refused from now on and its listeners are dropped. */
  revoke(sessionId: string): void;
  /** How many sessions it holds a token or listeners for: each one until it is revoked. */
  sessionCount(): number;
  /** Receive the session's hook events, starting with any that arrived before. */
  subscribe(sessionId: string, listener: (event: HookEvent) => void): Disposable;
  dispose(): Promise<void>;
}

/**
 * The JSON a hook is answered with, or null to answer nothing and hand the event on; or a promise
 * of either, to hold the reply (see above). `signal` aborts when the held hook's connection closes.
 */
export type HookAnswerer = (
  event: HookEvent,
  signal: AbortSignal,
) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;

export interface HookServerOptions {
  now?: () => number;
  answer?: HookAnswerer;
  /**
   * A file (0600) that records the port and each session's token digest, so that a core started
   * again listens at the same address and accepts the agents that a session host kept running.
   */
  record?: string;
}

/** What the record file holds. */
interface HookRecord {
  port: number;
  sessions: Record<string, string>;
}

function readRecord(file: string): HookRecord | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<HookRecord>;
    if (typeof value.port !== 'number' || typeof value.sessions !== 'object' || value.sessions === null) return null;
    return { port: value.port, sessions: value.sessions };
  } catch {
    return null;
  }
}

interface SessionDoor {
  digest: Buffer;
  listeners: Set<(event: HookEvent) => void>;
  backlog: HookEvent[];
}

const digestOf = (token: string) => createHash('sha256').update(token).digest();

/** A hook server that listens once asked to (see `listen`), so that it can be built synchronously. */
export function createHookServer(options: HookServerOptions = {}): HookServer {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, SessionDoor>();
  const recorded = options.record ? readRecord(options.record) : null;
  for (const [sessionId, digest] of Object.entries(recorded?.sessions ?? {})) {
    if (typeof digest === 'string') sessions.set(sessionId, { digest: Buffer.from(digest, 'hex'), listeners: new Set(), backlog: [] });
  }
  let port = 0;

  /** Writes the port and the token digests down (see HookServerOptions.record). */
  function record(): void {
    // Before it listens, the address recorded stays: a token revoked meanwhile goes from the record all the same.
    const at = port || (recorded?.port ?? 0);
    if (!options.record || at === 0) return;
    const digests = Object.fromEntries([...sessions].map(([sessionId, door]) => [sessionId, door.digest.toString('hex')]));
    // All at once: a core killed while it writes leaves the record before or after, and the agents kept running keep their tokens.
    writePrivateFile(options.record, JSON.stringify({ port: at, sessions: digests } satisfies HookRecord));
  }

  function reply(res: ServerResponse, status: number, message?: string): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(message ?? '');
  }

  function authorized(req: IncomingMessage): { sessionId: string; door: SessionDoor } | null {
    const sessionId = req.headers['x-switchyard-session'];
    const auth = req.headers.authorization;
    if (typeof sessionId !== 'string' || typeof auth !== 'string' || !auth.startsWith('Bearer ')) return null;
    const door = sessions.get(sessionId);
    if (door === undefined) return null;
    return timingSafeEqual(digestOf(auth.slice('Bearer '.length)), door.digest) ? { sessionId, door } : null;
  }

  function deliver(door: SessionDoor, event: HookEvent): void {
    if (door.listeners.size === 0) {
      door.backlog.push(event);
      if (door.backlog.length > HOOK_BACKLOG_MAX) door.backlog.shift();
      return;
    }
    for (const listener of [...door.listeners]) listener(event);
  }

  function answerWith(res: ServerResponse, answer: Record<string, unknown>): void {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(answer));
  }

  /** Replies that wait for an answer, each given up (204) when the server is disposed. */
  const held = new Set<AbortController>();

  /** Holds the reply until the answer comes; a connection closed first aborts `gone`. */
  function hold(res: ServerResponse, answer: Promise<Record<string, unknown> | null>, gone: AbortController): void {
    held.add(gone);
    const onClose = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.on('close', onClose);
    const settle = (value: Record<string, unknown> | null) => {
      held.delete(gone);
      res.off('close', onClose);
      if (res.writableEnded || res.destroyed) return;
      if (value === null) reply(res, 204);
      else answerWith(res, value);
    };
    answer.then(settle, () => settle(null));
  }

  const server = createServer((req, res) => {
    const expectedHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.headers.host !== expectedHost) return reply(res, 403, 'wrong host');
    if (req.method !== 'POST' || req.url !== HOOK_PATH) return reply(res, 404);
    const who = authorized(req);
    if (who === null) {
      req.resume();
      return reply(res, 401, 'unknown session or wrong token');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HOOK_PAYLOAD_MAX_BYTES && !refused) {
        refused = true;
        reply(res, 413, 'payload too large');
        req.destroy();
      }
      if (!refused) chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(res, 400, 'not JSON');
      }
      const named = req.headers[HOOK_EVENT_HEADER];
      const payload = readHookPayload(parsed, typeof named === 'string' ? named : undefined);
      if (payload === null) return reply(res, 400, 'not a hook payload');
      // The session may have been revoked while the body arrived.
      if (sessions.get(who.sessionId) !== who.door) return reply(res, 204);
      const event = { sessionId: who.sessionId, payload, receivedAt: now() };
      const gone = new AbortController();
      const answer = options.answer?.(event, gone.signal) ?? null;
      if (answer instanceof Promise) {
        hold(res, answer, gone);
        return deliver(who.door, event);
      }
      if (answer !== null) return answerWith(res, answer);
      reply(res, 204);
      deliver(who.door, event);
    });
  });

  let listening: Promise<string> | null = null;
  let disposed = false;

  function listen(): Promise<string> {
    if (disposed) return Promise.reject(new Error('the hook server is disposed'));
    const bind = (wanted: number) =>
      new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          record();
          resolve(`http://127.0.0.1:${port}${HOOK_PATH}`);
        });
      });
    // The recorded address first; taken by something else, a new one (agents of before cannot report then).
    listening ??= recorded?.port ? bind(recorded.port).catch(() => bind(0)) : bind(0);
    return listening;
  }

  return {
    listen,
    authorize(sessionId) {
      if (disposed) throw new Error('the hook server is disposed');
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      const existing = sessions.get(sessionId);
      sessions.set(sessionId, { digest: digestOf(token), listeners: existing?.listeners ?? new Set(), backlog: [] });
      record();
      return token;
    },
    revoke(sessionId) {
      if (sessions.delete(sessionId)) record();
    },
    sessionCount: () => sessions.size,
    subscribe(sessionId, listener) {
      let door = sessions.get(sessionId);
      if (door === undefined) {
        // Not authorized yet: listen anyway; nothing is accepted until a token is issued.
        door = { digest: digestOf(randomBytes(TOKEN_BYTES).toString('base64url')), listeners: new Set(), backlog: [] };
        sessions.set(sessionId, door);
      }
      const target = door;
      target.listeners.add(listener);
      for (const event of target.backlog.splice(0)) listener(event);
      return {
        dispose: () => {
          sessions.get(sessionId)?.listeners.delete(listener);
          target.listeners.delete(listener);
        },
      };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      sessions.clear();
      for (const gone of [...held]) gone.abort();
      if (listening === null) return;
      await listening.catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A hook server already listening. */
export async function startHookServer(options: HookServerOptions = {}): Promise<HookServer> {
  const server = createHookServer(options);
  await server.listen();
  return server;
}
