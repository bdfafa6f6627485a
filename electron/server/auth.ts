import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, WS_TOKEN_PROTOCOL_PREFIX } from '../../shared/protocol';

/** Bytes of randomness in a browser-mode token (256 bits). */
const TOKEN_BYTES = 32;

/** A Host header as RFC 9110 writes it: a name, an IPv4 address or a bracketed IPv6 one, then a port. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `host:port` as a URL writes it (IPv6 compressed, lower case, default port dropped), or null when it is not one. */
function normalHost(value: string): string | null {
  if (!HOST_HEADER.test(value)) return null;
  try {
    return new URL(`http://${value}`).host;
  } catch {
    return null;
  }
}

/** The subprotocols a WebSocket upgrade offers, in the order offered. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string };

/**
 * The locks on browser mode's doors: the Host header must name this server (no DNS rebinding),
 * the Origin, when a browser sends one, must be this server's own, and the WebSocket upgrade must
 * offer the token as a subprotocol. Static files carry no secret, so they need no token; no
 * cookie is ever set, because browsers send a host's cookies to every port on it.
 */
export class Gatekeeper {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(
    readonly token: string,
    bindHost: string,
    port: number,
  ) {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
    names.add(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
    names.delete('0.0.0.0');
    names.delete('[::]');
    this.hosts = new Set([...names].map((name) => normalHost(`${name}:${port}`)).filter((host) => host !== null));
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`));
  }

  checkHost(req: IncomingMessage): Verdict {
    const header = req.headers.host;
    if (header === undefined) return { ok: false, status: 400, reason: 'no Host' };
    const host = normalHost(header);
    if (host === null) return { ok: false, status: 400, reason: 'malformed Host' };
    return this.hosts.has(host) ? { ok: true } : { ok: false, status: 403, reason: 'unknown Host' };
  }

  checkOrigin(req: IncomingMessage): Verdict {
    const origin = req.headers.origin;
    if (origin === undefined) return { ok: true };
    return this.origins.has(origin.toLowerCase()) ? { ok: true } : { ok: false, status: 403, reason: 'foreign Origin' };
  }

  /** The token, offered as the subprotocol `switchyard.token.<token>` of a WebSocket upgrade. */
  checkToken(req: IncomingMessage): Verdict {
    const offered = offeredProtocols(req).find((protocol) => protocol.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
    if (offered === undefined) return { ok: false, status: 401, reason: 'no token' };
    return sameSecret(offered.slice(WS_TOKEN_PROTOCOL_PREFIX.length), this.token)
      ? { ok: true }
      : { ok: false, status: 401, reason: 'wrong token' };
  }

  /** The token as a page sends it to TOKEN_CHECK_PATH, in the TOKEN_HEADER header. */
  checkTokenHeader(req: IncomingMessage): Verdict {
    const offered = req.headers[TOKEN_HEADER];
    if (typeof offered !== 'string' || offered === '') return { ok: false, status: 401, reason: 'no token' };
    return sameSecret(offered, this.token) ? { ok: true } : { ok: false, status: 401, reason: 'wrong token' };
  }

  /** Host, then Origin: the checks every request and upgrade passes. */
  checkRequest(req: IncomingMessage): Verdict {
    const host = this.checkHost(req);
    return host.ok ? this.checkOrigin(req) : host;
  }

  /** Host, then Origin, then token: the order in which a WebSocket upgrade is refused. */
  checkUpgrade(req: IncomingMessage): Verdict {
    const request = this.checkRequest(req);
    return request.ok ? this.checkToken(req) : request;
  }
}
