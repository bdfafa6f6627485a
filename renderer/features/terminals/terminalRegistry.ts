import { FitAddon } from '@xterm/addon-fit';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { EventPayload } from '../../../shared/contract';
import { TERMINAL_ACK_CHARS } from '../../../shared/constants';
import { RpcError, type RpcClient } from '../../rpc/client';
import { reportError } from '../../stores/appStore';
import { preferredRenderer } from './rendererKind';

/** Lines a pane keeps above the screen. */
const PANE_SCROLLBACK_LINES = 5_000;

interface Pane {
  sessionId: string;
  terminal: Terminal;
  fit: FitAddon;
  /** The element xterm draws into; moved between containers, never recreated. */
  element: HTMLDivElement;
  /** Attached: the core sends this pane output. A hidden pane is detached and gets nothing. */
  attached: boolean;
  /** While an attach is in flight, output that arrives is kept until the snapshot is written. */
  attaching: EventPayload<'terminal.data'>[] | null;
  /** The seq of the last output written; events at or below it are dropped. */
  seq: number;
  /** Characters xterm parsed that are not yet acknowledged. */
  parsedUnacked: number;
  resizeObserver: ResizeObserver | undefined;
}

/**
 * Every xterm instance of the window, outside React: React panes only lend it a container. It
 * writes output as it comes, acknowledges what xterm parsed, and re-attaches from a snapshot
 * when the core drops it for falling behind.
 */
export class TerminalRegistry {
  private readonly panes = new Map<string, Pane>();

  constructor(private readonly client: RpcClient) {
    client.on('terminal.data', (event) => this.onData(event));
    // Keystrokes get no reply: one the core refused (its program exited meanwhile) is said here.
    client.on('message.refused', ({ method, error }) => {
      if (method === 'terminal.input') reportError(new RpcError(error));
    });
    client.on('terminal.detached', ({ sessionId }) => {
      const pane = this.panes.get(sessionId);
      if (pane?.attached) void this.attach(pane);
    });
    client.onStatus((status) => {
      // A new connection knows nothing of our attachments: attach again from a snapshot.
      if (status !== 'open') return;
      for (const pane of this.panes.values()) if (pane.attached) void this.attach(pane);
    });
  }

  /** Shows a session in `container`, attaching to its output. */
  mount(sessionId: string, container: HTMLElement): void {
    const pane = this.panes.get(sessionId) ?? this.create(sessionId);
    container.appendChild(pane.element);
    if (!pane.terminal.element) pane.terminal.open(pane.element);
    this.loadRenderer(pane);
    pane.resizeObserver = new ResizeObserver(() => this.fit(pane));
    pane.resizeObserver.observe(container);
    pane.fit.fit();
    pane.attached = true;
    void this.attach(pane);
  }

  /** Hides a session's pane: it is detached and written to no more until shown again. */
  unmount(sessionId: string): void {
    const pane = this.panes.get(sessionId);
    if (!pane) return;
    pane.resizeObserver?.disconnect();
    pane.resizeObserver = undefined;
    pane.element.remove();
    if (pane.attached) {
      pane.attached = false;
      this.client.call('terminal.detach', { sessionId }).catch(() => {});
    }
  }

  focus(sessionId: string): void {
    this.panes.get(sessionId)?.terminal.focus();
  }

  /** Forgets a closed pane entirely. */
  dispose(sessionId: string): void {
    this.unmount(sessionId);
    this.panes.get(sessionId)?.terminal.dispose();
    this.panes.delete(sessionId);
  }

  private create(sessionId: string): Pane {
    const terminal = new Terminal({
      scrollback: PANE_SCROLLBACK_LINES,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
      allowProposedApi: true,
      theme: { background: '#0f1115' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    const element = document.createElement('div');
    element.className = 'terminal-surface';
    element.dataset.sessionId = sessionId;
    const pane: Pane = {
      sessionId,
      terminal,
      fit,
      element,
      attached: false,
      attaching: null,
      seq: 0,
      parsedUnacked: 0,
      resizeObserver: undefined,
    };
    terminal.onData((data) => this.client.send('terminal.input', { sessionId, data }));
    this.panes.set(sessionId, pane);
    return pane;
  }

  private loadRenderer(pane: Pane): void {
    if (preferredRenderer() !== 'webgl' || pane.element.dataset.renderer) return;
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose();
        pane.element.dataset.renderer = 'dom';
      });
      pane.terminal.loadAddon(webgl);
      pane.element.dataset.renderer = 'webgl';
    } catch {
      pane.element.dataset.renderer = 'dom';
    }
  }

  private async attach(pane: Pane): Promise<void> {
    pane.attaching = [];
    try {
      const reply = await this.client.call('terminal.attach', {
        sessionId: pane.sessionId,
        cols: pane.terminal.cols,
        rows: pane.terminal.rows,
      });
      const early = pane.attaching ?? [];
      pane.attaching = null;
      pane.terminal.reset();
      pane.seq = reply.seq;
      pane.parsedUnacked = 0;
      pane.terminal.write(reply.snapshot);
      for (const event of early) this.write(pane, event);
    } catch (error) {
      pane.attaching = null;
      reportError(error);
    }
  }

  private onData(event: EventPayload<'terminal.data'>): void {
    const pane = this.panes.get(event.sessionId);
    if (!pane || !pane.attached) return;
    if (pane.attaching) pane.attaching.push(event);
    else this.write(pane, event);
  }

  private write(pane: Pane, event: EventPayload<'terminal.data'>): void {
    if (event.seq <= pane.seq) return;
    pane.seq = event.seq;
    const chars = event.data.length;
    // Acknowledge only once xterm has parsed the data: that is what flow control measures.
    pane.terminal.write(event.data, () => {
      pane.parsedUnacked += chars;
      if (pane.parsedUnacked < TERMINAL_ACK_CHARS) return;
      const acked = pane.parsedUnacked;
      pane.parsedUnacked = 0;
      this.client.send('terminal.ack', { sessionId: pane.sessionId, chars: acked });
    });
  }

  private fit(pane: Pane): void {
    const before = [pane.terminal.cols, pane.terminal.rows];
    pane.fit.fit();
    if (before[0] === pane.terminal.cols && before[1] === pane.terminal.rows) return;
    this.client.send('terminal.resize', { sessionId: pane.sessionId, cols: pane.terminal.cols, rows: pane.terminal.rows });
  }
}
