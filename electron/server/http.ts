import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { Core } from '../core/app';
import { Gatekeeper, newToken } from './auth';
import { attachWebSocket } from './ws';

export interface ServeOptions {
  core: Core;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  /** The address a browser opens once; it carries the token. */
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

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(
    status === 401
      ? `Unauthorized (${reason}). Open the address that \`switchyard serve\` printed, with its token.\n`
      : `Forbidden (${reason}).\n`,
  );
}

async function serveFile(root: string, pathname: string, res: ServerResponse): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 403, 'bad path');
  }
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

/** Browser mode: the same core as the desktop app, behind token, Host and Origin checks. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const root = resolve(options.staticDir);
  const token = options.token ?? newToken();
  const server: Server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const gate = new Gatekeeper(token, host, port);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const verdict = gate.check(req, url);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 403, 'method not allowed');
    if (verdict.fromQuery) {
      url.searchParams.delete('token');
      res.writeHead(302, { 'Set-Cookie': gate.cookie(), Location: url.pathname + url.search, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    void serveFile(root, url.pathname, res);
  });
  const sockets = attachWebSocket(server, gate, options.core);

  const printable = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const base = `http://${printable}:${port}`;
  return {
    url: `${base}/`,
    loginUrl: `${base}/?token=${token}`,
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
