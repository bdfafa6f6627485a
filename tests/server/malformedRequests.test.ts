import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../electron/core/appRoot';
import { wsProtocols } from '../../shared/protocol';
import { tempDir } from '../helpers/tempDir';
import { startServe, type Served } from '../e2e/harness';
import { rawExchange, rawOpening, rawUpgrade, statusOf } from './requests';

beforeAll(() => {
  execFileSync(process.execPath, [join(appRoot(), 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });
}, 300_000);

function portOf(served: Served): number {
  return Number(new URL(served.url).port);
}

function tokenOf(served: Served): string {
  return new URL(served.loginUrl).hash.replace('#token=', '');
}

/** A plain GET as a raw request line, so that nothing on the client side tidies the target or the Host. */
function rawGet(target: string, host: string): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
}

/** Targets and Host headers that a URL parser refuses; each once threw out of the request handler. */
const MALFORMED = (port: number) => [
  { target: '//[', host: `127.0.0.1:${port}` },
  { target: '//[::1', host: `127.0.0.1:${port}` },
  { target: '/%', host: `127.0.0.1:${port}` },
  { target: '/assets/%E0%A4%A', host: `127.0.0.1:${port}` },
  { target: '//evil.test/', host: `127.0.0.1:${port}` },
  { target: 'http://evil.test/', host: `127.0.0.1:${port}` },
  { target: '/', host: `[::1:${port}` },
  { target: '/', host: `[zz::1]:${port}` },
  { target: '/', host: `[:::1]:${port}` },
  { target: '/', host: `127.0.0.1:${port}/x` },
];

describe('malformed requests to a real `switchyard serve`', () => {
  it('answers each malformed target or Host of a GET with 400 and keeps serving', async () => {
    const served = await startServe(tempDir('switchyard-serve-'));
    const port = portOf(served);
    for (const { target, host } of MALFORMED(port)) {
      const answer = await rawExchange(port, rawGet(target, host));
      expect(statusOf(answer), `tried GET ${target} with Host ${host}`).toBe(400);
      const normal = await rawExchange(port, rawGet('/', `127.0.0.1:${port}`));
      expect(statusOf(normal), `after GET ${target} with Host ${host}`).toBe(200);
    }
    expect(served.process.exitCode).toBeNull();
    expect(served.output()).not.toMatch(/uncaught|unhandled/i);
  });

  it('answers each malformed target or Host of a WebSocket upgrade with 400 and keeps accepting upgrades', async () => {
    const served = await startServe(tempDir('switchyard-serve-'));
    const port = portOf(served);
    const protocols = wsProtocols(tokenOf(served));
    for (const { target, host } of MALFORMED(port)) {
      for (const offered of [protocols, []]) {
        const answer = await rawExchange(port, rawUpgrade(target, host, offered));
        expect(statusOf(answer), `tried an upgrade of ${target} with Host ${host}, ${offered.length ? 'with' : 'without'} the token`).toBe(400);
      }
    }
    // A well-formed upgrade to a path that is not the WebSocket's, then the WebSocket itself.
    expect(statusOf(await rawExchange(port, rawUpgrade('/elsewhere', `127.0.0.1:${port}`, protocols)))).toBe(404);
    const accepted = await rawOpening(port, rawUpgrade('/ws', `127.0.0.1:${port}`, protocols));
    expect(statusOf(accepted)).toBe(101);
    expect(accepted).toMatch(/\r\nSec-WebSocket-Protocol: switchyard\.v1\r\n/i);
    expect(served.process.exitCode).toBeNull();
  });
});
