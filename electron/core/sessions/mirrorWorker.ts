import serializeModule from '@xterm/addon-serialize';
import headlessModule from '@xterm/headless';
import { parentPort } from 'node:worker_threads';
import { COLOR_OSC_IDENTS, TerminalColors } from '../../../shared/terminalColors';
import { lowerThisThreadPriority } from '../threads/threadPriority';
import { MIRROR_SCROLLBACK_LINES, type MirrorReply, type MirrorRequest } from './mirrorProtocol';

const { Terminal } = headlessModule;
const { SerializeAddon } = serializeModule;

/**
 * The thread that parses every session's output into its `@xterm/headless` mirror, so that the
 * most expensive step of the hot path runs beside the pty reads and the pane traffic, not
 * between them. Requests are handled in order; xterm runs write callbacks in order, so a
 * snapshot asked after a write shows the screen right after it.
 */
interface Mirror {
  terminal: InstanceType<typeof Terminal>;
  serializer: InstanceType<typeof SerializeAddon>;
  /** The seq of each write not parsed yet, in order: an answer is tagged with its write's. */
  parsing: number[];
  /** The colours as the program set them, which a snapshot carries before the screen. */
  colors: TerminalColors;
}

lowerThisThreadPriority();
const mirrors = new Map<string, Mirror>();
const port = parentPort;
if (!port) throw new Error('mirrorWorker runs only as a worker thread');
const post = (reply: MirrorReply) => port.postMessage(reply);

port.on('message', (request: MirrorRequest) => {
  if (request.type === 'create') {
    const terminal = new Terminal({ cols: request.cols, rows: request.rows, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer as unknown as Parameters<typeof terminal.loadAddon>[0]);
    terminal.onTitleChange((title) => post({ type: 'title', id: request.id, title }));
    const mirror: Mirror = { terminal, serializer, parsing: [], colors: new TerminalColors() };
    // Called while a write is parsed, before its callback: the first of `parsing` is that write's.
    const answer = (data: string) => post({ type: 'answer', id: request.id, data, seq: mirror.parsing[0] ?? 0 });
    if (request.answers) terminal.onData(answer);
    // A headless terminal has no colours to report: these are the panes' (shared/terminalColors.ts).
    for (const ident of COLOR_OSC_IDENTS) {
      terminal.parser.registerOscHandler(ident, (data) => {
        const answers = mirror.colors.handle(ident, data);
        if (request.answers) for (const text of answers) answer(text);
        return true;
      });
    }
    mirrors.set(request.id, mirror);
    return;
  }
  const mirror = mirrors.get(request.id);
  if (!mirror) {
    // Gone already: answer anyway so that no caller waits forever.
    if (request.type === 'snapshot') post({ type: 'snapshot', requestId: request.requestId, snapshot: '' });
    if (request.type === 'screen') post({ type: 'screen', requestId: request.requestId, lines: [] });
    return;
  }
  switch (request.type) {
    case 'write': {
      const chars = request.data.length;
      mirror.parsing.push(request.seq);
      mirror.terminal.write(request.data, () => {
        mirror.parsing.shift();
        post({ type: 'parsed', id: request.id, chars });
      });
      return;
    }
    case 'resize':
      mirror.terminal.resize(request.cols, request.rows);
      return;
    case 'snapshot':
      mirror.terminal.write('', () =>
        post({ type: 'snapshot', requestId: request.requestId, snapshot: mirror.colors.changes() + mirror.serializer.serialize() }),
      );
      return;
    case 'screen':
      mirror.terminal.write('', () => {
        const buffer = mirror.terminal.buffer.active;
        const lines: string[] = [];
        for (let y = 0; y < mirror.terminal.rows; y++) {
          lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
        }
        post({ type: 'screen', requestId: request.requestId, lines });
      });
      return;
    case 'dispose':
      mirror.terminal.dispose();
      mirrors.delete(request.id);
      return;
  }
});
