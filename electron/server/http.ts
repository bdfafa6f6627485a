import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { Core } from '../core/app';
import { consoleLogger, type Logger } from '../core/log';
import { Gatekeeper, newToken } from './auth';
import { TOKEN_CHECK_PATH } from '../../shared/protocol';
import { parseRequestTarget } from './requestTarget';
import { attachWebSocket } from './ws';

export interface ServeOptions {
  core: Core;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Where a request that failed unexpectedly is logged, with its stack. */
  log?: Logger;
}

export interface RunningServer {
  url: string;
  /**
   * The address a browser opens; it carries the token in its fragment (`#token=…`), which the
   * browser never sends to any server: the page keeps it for its tab and offers it on the WebSocket.
   */
  loginUrl: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function securityHeaders(res: ServerResponse): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

const REFUSALS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method not allowed',
  500: 'Internal error',
};

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${REFUSALS[status] ?? 'Refused'} (${reason}).\n`);
}

async function serveFile(root: string, relative: string, res: ServerResponse): Promise<void> {
  const file = resolve(root, `.${relative}`);
  if (file !== root && !file.startsWith(root + sep)) return refuse(res, 403, 'path outside the app');
  const info = await stat(file).catch(() => null);
  const target = info?.isFile() ? file : join(root, 'index.html');
  const type = CONTENT_TYPES[extname(target)] ?? 'application/octet-stream';
  const immutable = target.includes(`${sep}assets${sep}`);
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': immutable ? 'max-age=31536000, immutable' : 'no-cache' });
  createReadStream(target)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Browser mode: the same core as the desktop app, behind Host, Origin and (on the WebSocket) token checks. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const root = resolve(options.staticDir);
  const token = options.token ?? newToken();
  const log = options.log ?? consoleLogger();
  const server: Server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const gate = new Gatekeeper(token, host, port);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    securityHeaders(res);
    const target = parseRequestTarget(req.url);
    if (!target) return refuse(res, 400, 'malformed request target');
    const verdict = gate.checkRequest(req);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, req.method ?? 'no method');
    }
    const { url } = target;
    if (url.pathname === TOKEN_CHECK_PATH) {
      const token = gate.checkTokenHeader(req);
      if (!token.ok) return refuse(res, token.status, token.reason);
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    const legacyToken = url.searchParams.get('token');
    if (legacyToken !== null) {
      // An address from before the token moved to the fragment: send the browser to the new form.
      // Always to the app's root, which those addresses named: never to a path that reads as another host.
      url.searchParams.delete('token');
      const location = `/${url.search}#token=${encodeURIComponent(legacyToken)}`;
      res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    await serveFile(root, target.path, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      log.error(`${req.method ?? '?'} request failed`, error);
      if (res.headersSent) res.destroy();
      else refuse(res, 500, 'see the log');
    });
  });
  const sockets = attachWebSocket(server, gate, options.core, log);

  const printable = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const base = `http://${printable}:${port}`;
  return {
    url: `${base}/`,
    loginUrl: `${base}/#token=${token}`,
    host,
    port,
    token,
    async close() {
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
