/**
 * How a page proves it may talk to browser mode's server: plain names, without the wire schemas,
 * so that the renderer's first screen loads no zod. protocol.ts exports them too.
 */

/**
 * Browser mode's WebSocket speaks this subprotocol. The page offers it together with
 * `WS_TOKEN_PROTOCOL_PREFIX + token`, so the server checks the token before it accepts the
 * socket; the server answers with `WS_SUBPROTOCOL` only, never echoing the token.
 */
export const WS_SUBPROTOCOL = 'switchyard.v1';
export const WS_TOKEN_PROTOCOL_PREFIX = 'switchyard.token.';

/** The subprotocols a client offers to open browser mode's WebSocket with this token. */
export function wsProtocols(token: string): string[] {
  return [WS_SUBPROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/**
 * Where a page asks whether its token is still the server's, with the token in TOKEN_HEADER: 204
 * when it is, 401 when not. A WebSocket refused at its upgrade tells the page nothing of why; this
 * tells a server that is down (retry) from a token that changed (open the new address).
 */
export const TOKEN_CHECK_PATH = '/auth/check';
export const TOKEN_HEADER = 'x-switchyard-token';
