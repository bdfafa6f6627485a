import { z } from 'zod';
import type { ErrorData } from './errors';

/**
 * The wire envelope, the same over Electron IPC and over the WebSocket. A client sends calls and
 * one-way messages; the main side answers each call once, never a message, and pushes events.
 */
export const callMessageSchema = z.object({
  kind: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
});
export type CallMessage = z.infer<typeof callMessageSchema>;

/** A message without a reply (keystrokes, acks, resizes): no id, nothing waits for it. */
export const oneWayMessageSchema = z.object({
  kind: z.literal('message'),
  method: z.string().max(100),
  input: z.unknown(),
});
export type OneWayMessage = z.infer<typeof oneWayMessageSchema>;

export const clientMessageSchema = z.discriminatedUnion('kind', [callMessageSchema, oneWayMessageSchema]);

/**
 * The answer to a call. A message so malformed that no call id can be read from it (not JSON, or
 * an id that is not a whole number) is answered with an error whose id is null.
 */
export type ResultMessage =
  | { kind: 'result'; id: number; ok: true; output: unknown }
  | { kind: 'result'; id: number | null; ok: false; error: ErrorData };

export interface EventMessage {
  kind: 'event';
  event: string;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;
export type ClientMessage = CallMessage | OneWayMessage;

export { TOKEN_CHECK_PATH, TOKEN_HEADER, WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, wsProtocols } from './browserAuth';
