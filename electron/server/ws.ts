import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../shared/constants';
import { WS_SUBPROTOCOL } from '../../shared/protocol';
import type { Core } from '../core/app';
import type { Logger } from '../core/log';
import { offeredProtocols, type Gatekeeper } from './auth';
import { parseRequestTarget } from './requestTarget';

/** The path the renderer opens its WebSocket on. */
export const WS_PATH = '/ws';

const STATUS_TEXT = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
} as const;

function reject(socket: Duplex, status: keyof typeof STATUS_TEXT, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
}

/** Carries the contract's envelope over one WebSocket per client, after the same checks as HTTP and the token's. */
export function attachWebSocket(server: Server, gate: Gatekeeper, core: Core, log: Logger): { close(): Promise<void> } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // Answer with the protocol's name only: the token the client offered beside it stays unechoed.
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const target = parseRequestTarget(req.url);
    if (!target) return reject(socket, 400, 'malformed request target');
    const verdict = gate.checkUpgrade(req);
    if (!verdict.ok) return reject(socket, verdict.status, verdict.reason);
    if (target.url.pathname !== WS_PATH) return reject(socket, 404, 'no such endpoint');
    if (!offeredProtocols(req).includes(WS_SUBPROTOCOL)) return reject(socket, 400, `offer the subprotocol ${WS_SUBPROTOCOL}`);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer that resets before the answer must not raise an unheard 'error'.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (error) {
      log.error('WebSocket upgrade failed', error);
      reject(socket, 500, 'see the log');
    }
  });

  wss.on('connection', (ws: WebSocket) => {
    const connection = core.connect((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on('message', (data) => void connection.receiveText(data.toString()));
    ws.on('close', () => connection.dispose());
    ws.on('error', () => connection.dispose());
  });

  return {
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => done());
      }),
  };
}
