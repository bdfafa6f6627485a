import { request, type IncomingHttpHeaders } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../electron/server/http';
import { makeCore } from '../helpers/core';
import { tempDir } from '../helpers/tempDir';

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(): Promise<RunningServer> {
  const staticDir = tempDir();
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Switchyard</title>');
  const server = await startServer({ core: makeCore(), staticDir, port: 0 });
  servers.push(server);
  return server;
}

function get(
  server: RunningServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the HTTP status the upgrade got (101 when it was accepted). */
function upgrade(server: RunningServer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

describe('browser mode doors', () => {
  it('listens on 127.0.0.1 only by default', async () => {
    const server = await serve();
    expect(server.host).toBe('127.0.0.1');
    expect(server.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
  });

  it('answers 401 without a token and with a wrong one, in the query or in the cookie', async () => {
    const server = await serve();
    expect((await get(server, '/')).status).toBe(401);
    expect((await get(server, '/?token=wrong')).status).toBe(401);
    expect((await get(server, `/?token=${server.token}x`)).status).toBe(401);
    expect((await get(server, '/', { cookie: 'switchyard_token=wrong' })).status).toBe(401);
    expect((await get(server, '/assets/x.js')).status).toBe(401);
  });

  it('exchanges the right token for a SameSite=Strict HttpOnly cookie and never sends a wildcard CORS header', async () => {
    const server = await serve();
    const login = await get(server, `/?token=${server.token}`);
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/');
    const cookie = login.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await get(server, '/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Switchyard');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('answers 403 to a foreign Host (DNS rebinding), even with the right token', async () => {
    const server = await serve();
    expect((await get(server, `/?token=${server.token}`, { host: 'evil.test' })).status).toBe(403);
    expect((await get(server, `/?token=${server.token}`, { host: `evil.test:${server.port}` })).status).toBe(403);
  });

  it('refuses a path that climbs out of the app folder', async () => {
    const server = await serve();
    const cookie = `switchyard_token=${server.token}`;
    const response = await get(server, '/%2e%2e/%2e%2e/etc/passwd', { cookie });
    expect(response.body).not.toMatch(/root:/);
  });

  it('accepts the WebSocket only with the token, the right Host and its own Origin', async () => {
    const server = await serve();
    const cookie = `switchyard_token=${server.token}`;
    const own = `http://127.0.0.1:${server.port}`;
    expect(await upgrade(server, { cookie, origin: own })).toBe(101);
    expect(await upgrade(server, { origin: own })).toBe(401);
    expect(await upgrade(server, { cookie: 'switchyard_token=nope', origin: own })).toBe(401);
    expect(await upgrade(server, { cookie, origin: 'http://evil.test' })).toBe(403);
    expect(await upgrade(server, { cookie, origin: `http://evil.test:${server.port}` })).toBe(403);
    expect(await upgrade(server, { cookie, origin: own, host: 'evil.test' })).toBe(403);
  });

  it('carries the contract over the WebSocket: calls answered, bad envelopes answered with BAD_INPUT', async () => {
    const server = await serve();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, {
      headers: { cookie: `switchyard_token=${server.token}`, origin: `http://127.0.0.1:${server.port}` },
    });
    const replies: unknown[] = [];
    await new Promise<void>((resolve) => ws.on('open', () => resolve()));
    const got = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        replies.push(JSON.parse(data.toString()));
        if (replies.length === 3) resolve();
      }),
    );
    ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'projects.list', input: {} }));
    ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'nope.nope', input: {} }));
    ws.send(JSON.stringify({ kind: 'wrong', id: 3 }));
    ws.send('this is not json');
    await got;
    ws.close();
    // Answers come as each call finishes, not in the order sent.
    replies.sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);
    expect(replies).toEqual([
      { kind: 'result', id: 1, ok: true, output: [] },
      { kind: 'result', id: 2, ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) },
      { kind: 'result', id: 3, ok: false, error: expect.objectContaining({ code: 'BAD_INPUT' }) },
    ]);
  });
});
