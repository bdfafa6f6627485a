import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/server/http';
import { WS_SUBPROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, wsProtocols } from '../../shared/protocol';
import { makeCore } from '../helpers/core';
import { tempDir } from '../helpers/tempDir';
import { exchange, get, openSocket, upgrade } from './requests';

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

describe('browser mode doors', () => {
  it('listens on 127.0.0.1 only by default and prints the token in the fragment', async () => {
    const server = await serve();
    expect(server.host).toBe('127.0.0.1');
    expect(server.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
  });

  it('serves the app, which holds no secret, without a token and never sets a cookie or a wildcard CORS header', async () => {
    const server = await serve();
    const page = await get(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Switchyard');
    expect(page.body).not.toContain(server.token);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('sends an old address with ?token= to the fragment form, keeping its other parameters, and sets no cookie', async () => {
    const server = await serve();
    const old = await get(server.port, `/?view=board&token=${server.token}`);
    expect(old.status).toBe(302);
    expect(old.headers.location).toBe(`/?view=board#token=${server.token}`);
    expect(old.headers['set-cookie']).toBeUndefined();
    expect(old.headers['cache-control']).toBe('no-store');
    // A path that a browser would read as another host (`//evil.test`) is not where it sends one.
    expect((await get(server.port, '/.//evil.test/?token=x')).headers.location).toBe('/#token=x');
  });

  it('answers 403 to a foreign Host (DNS rebinding) and a foreign Origin, on requests and on the WebSocket', async () => {
    const server = await serve();
    expect((await get(server.port, '/', { host: 'evil.test' })).status).toBe(403);
    expect((await get(server.port, '/', { host: `evil.test:${server.port}` })).status).toBe(403);
    expect((await get(server.port, '/', { origin: 'http://evil.test' })).status).toBe(403);
    const own = `http://127.0.0.1:${server.port}`;
    const offered = wsProtocols(server.token);
    expect((await upgrade(server.port, offered, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await upgrade(server.port, offered, { origin: `http://evil.test:${server.port}` })).status).toBe(403);
    expect((await upgrade(server.port, offered, { origin: own, host: 'evil.test' })).status).toBe(403);
    // Another instance on another port is another origin, even on the same host.
    expect((await upgrade(server.port, offered, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
  });

  it('accepts [::1] and localhost as the Host, written as a URL would write them', async () => {
    const server = await serve();
    expect((await get(server.port, '/', { host: `[0:0:0:0:0:0:0:1]:${server.port}` })).status).toBe(200);
    expect((await get(server.port, '/', { host: `LOCALHOST:${server.port}` })).status).toBe(200);
  });

  it('refuses a path that climbs out of the app folder', async () => {
    const server = await serve();
    const response = await get(server.port, '/%2e%2e/%2e%2e/etc/passwd');
    expect(response.body).not.toMatch(/root:/);
  });

  it('accepts the WebSocket only with the token offered as a subprotocol, and never echoes the token', async () => {
    const server = await serve();
    const own = { origin: `http://127.0.0.1:${server.port}` };
    const accepted = await upgrade(server.port, wsProtocols(server.token), own);
    expect(accepted).toEqual({ status: 101, protocol: WS_SUBPROTOCOL });
    expect((await upgrade(server.port, [WS_SUBPROTOCOL], own)).status).toBe(401);
    expect((await upgrade(server.port, wsProtocols(`${server.token}x`), own)).status).toBe(401);
    expect((await upgrade(server.port, wsProtocols('nope'), own)).status).toBe(401);
    // The cookie of earlier versions opens nothing any more.
    expect((await upgrade(server.port, [WS_SUBPROTOCOL], { ...own, cookie: `switchyard_token=${server.token}` })).status).toBe(401);
    // The token alone, without the protocol's name, is refused with the reason rather than half-accepted.
    expect((await upgrade(server.port, [`${WS_TOKEN_PROTOCOL_PREFIX}${server.token}`], own)).status).toBe(400);
  });

  it('carries the contract over the WebSocket: calls answered, bad envelopes answered with BAD_INPUT', async () => {
    const server = await serve();
    const ws = await openSocket(server.port, server.token);
    const replies = await exchange(
      ws,
      [
        JSON.stringify({ kind: 'call', id: 1, method: 'projects.list', input: {} }),
        JSON.stringify({ kind: 'call', id: 2, method: 'nope.nope', input: {} }),
        JSON.stringify({ kind: 'wrong', id: 3 }),
      ],
      3,
    );
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
