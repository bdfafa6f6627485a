import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { wsProtocols } from '../../shared/protocol';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A GET to 127.0.0.1:port with the right Host unless `headers` says otherwise. */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends `text` as it is over a plain TCP socket (no client library to tidy a malformed request
 * line) and resolves with all the server answered until it closed the connection.
 */
export function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** Sends `text` over a plain TCP socket and resolves with the first chunk answered, then hangs up (for a 101). */
export function rawOpening(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1'));
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

/** The status code on the first line of a raw HTTP answer, or 0 when there is none. */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** An upgrade request as a browser sends it, with this target, Host and subprotocols. */
export function rawUpgrade(target: string, host: string, protocols: string[]): string {
  return [
    `GET ${target} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Origin: http://${host}`,
    ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`] : []),
    '',
    '',
  ].join('\r\n');
}

/** Resolves with the HTTP status the upgrade got (101 when it was accepted) and the subprotocol chosen. */
export function upgrade(
  port: number,
  protocols: string[],
  headers: Record<string, string>,
): Promise<{ status: number; protocol: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols, { headers });
    ws.on('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, protocol: '' }));
    ws.on('error', () => resolve({ status: -1, protocol: '' }));
  });
}

/** A logged-in WebSocket to a server on `port`, open. */
export async function openSocket(port: number, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(token), { headers: { origin: `http://127.0.0.1:${port}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Sends each frame as it is and resolves with the next `count` messages the server sends back, parsed. */
export function exchange(ws: WebSocket, frames: string[], count: number): Promise<unknown[]> {
  return new Promise((resolve) => {
    const replies: unknown[] = [];
    const onMessage = (data: WebSocket.RawData) => {
      replies.push(JSON.parse(data.toString()));
      if (replies.length === count) {
        ws.off('message', onMessage);
        resolve(replies);
      }
    };
    ws.on('message', onMessage);
    for (const frame of frames) ws.send(frame);
  });
}
