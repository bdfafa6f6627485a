import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that carries the token after the first visit. */
export const AUTH_COOKIE = 'switchyard_token';

/** Bytes of randomness in a browser-mode token (256 bits). */
const TOKEN_BYTES = 32;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * The locks on browser mode's doors: the Host header must name this server (no DNS rebinding),
 * the Origin, when a browser sends one, must be this server's own, and the request must carry the
 * token, in the query once and in a SameSite=Strict cookie after that.
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
    this.hosts = new Set([...names].map((name) => `${name}:${port}`));
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`));
  }

  checkHost(req: IncomingMessage): Verdict {
    const host = req.headers.host?.toLowerCase();
    return host && this.hosts.has(host) ? { ok: true } : { ok: false, status: 403, reason: 'unknown Host' };
  }

  checkOrigin(req: IncomingMessage): Verdict {
    const origin = req.headers.origin;
    if (origin === undefined) return { ok: true };
    return this.origins.has(origin.toLowerCase()) ? { ok: true } : { ok: false, status: 403, reason: 'foreign Origin' };
  }

  /** The token from the query (first visit) or the cookie; `query` is true when it came from the URL. */
  checkToken(req: IncomingMessage, url: URL): Verdict & { fromQuery?: boolean } {
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null) {
      return sameSecret(fromQuery, this.token)
        ? { ok: true, fromQuery: true }
        : { ok: false, status: 401, reason: 'wrong token' };
    }
    const fromCookie = cookieValue(req.headers.cookie, AUTH_COOKIE);
    if (fromCookie === undefined) return { ok: false, status: 401, reason: 'no token' };
    return sameSecret(fromCookie, this.token) ? { ok: true } : { ok: false, status: 401, reason: 'wrong token' };
  }

  /** Host, then Origin, then token: the order in which a request is refused. */
  check(req: IncomingMessage, url: URL): Verdict & { fromQuery?: boolean } {
    const host = this.checkHost(req);
    if (!host.ok) return host;
    const origin = this.checkOrigin(req);
    if (!origin.ok) return origin;
    return this.checkToken(req, url);
  }

  cookie(): string {
    return `${AUTH_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
