import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { PANE_FONT_FAMILY, PANE_FONT_SIZE, paneFontsReady } from './paneFont';
import { paneKeyAction } from './paneKeys';
import type { EventPayload } from '../../../shared/contract';
import { TERMINAL_ACK_CHARS } from '../../../shared/constants';
import { COLOR_QUERY_IDENTS, PANE_THEME, colorRequests, setSequence } from '../../../shared/terminalColors';
import { ANSWERED_CSI_QUERIES, ANSWERED_DCS_QUERIES } from '../../../shared/terminalQueries';
import { RpcError, type RpcClient } from '../../rpc/client';
import { reportError } from '../../stores/appStore';
import { preferredRenderer } from './rendererKind';

/** Lines a pane keeps above the screen. */
const PANE_SCROLLBACK_LINES = 5_000;

interface Pane {
  sessionId: string;
  terminal: Terminal;
  fit: FitAddon;
  search: SearchAddon;
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
/** Opens a link printed in a pane: a new browser tab with no opener; the desktop app hands it to the system. */
export function openPaneLink(event: MouseEvent, uri: string): void {
  event.preventDefault();
  if (!/^https?:\/\//i.test(uri)) return;
  window.open(uri, '_blank', 'noopener,noreferrer');
}

/** Copies text to the clipboard; a page without clipboard access just does not copy. */
function copyText(text: string): void {
  if (text === '') return;
  navigator.clipboard?.writeText(text).catch(() => {});
}

export class TerminalRegistry {
  private readonly panes = new Map<string, Pane>();
  /** Who shows the search bar of a pane, told when Ctrl+F is pressed in it. */
  private readonly findListeners = new Map<string, () => void>();
  /** Who moves focus out of a pane, told when F6 is pressed in it. */
  private readonly leaveListeners = new Map<string, () => void>();

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
    // xterm measures its cell from the font when it opens: open only once the bundled font is in.
    void paneFontsReady().then(() => {
      if (pane.attached || pane.element.parentElement !== container || this.panes.get(sessionId) !== pane) return;
      this.open(pane, container);
    });
  }

  private open(pane: Pane, container: HTMLElement): void {
    if (!pane.terminal.element) pane.terminal.open(pane.element);
    this.loadRenderer(pane);
    pane.resizeObserver?.disconnect();
    pane.resizeObserver = new ResizeObserver(() => this.fit(pane));
    pane.resizeObserver.observe(container);
    pane.fit.fit();
    pane.attached = true;
    void this.attach(pane);
    if (this.focusWhenOpen === pane.sessionId) {
      this.focusWhenOpen = undefined;
      pane.terminal.focus();
    }
  }

  private focusWhenOpen: string | undefined;

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
    const pane = this.panes.get(sessionId);
    if (!pane) return;
    if (pane.terminal.element) pane.terminal.focus();
    else this.focusWhenOpen = sessionId;
  }

  /** Whether keyboard focus is inside this session's terminal. */
  hasFocus(sessionId: string): boolean {
    const element = this.panes.get(sessionId)?.terminal.element;
    return element !== undefined && element.contains(document.activeElement);
  }

  onFind(sessionId: string, listener: () => void): () => void {
    this.findListeners.set(sessionId, listener);
    return () => {
      if (this.findListeners.get(sessionId) === listener) this.findListeners.delete(sessionId);
    };
  }

  onLeave(sessionId: string, listener: () => void): () => void {
    this.leaveListeners.set(sessionId, listener);
    return () => {
      if (this.leaveListeners.get(sessionId) === listener) this.leaveListeners.delete(sessionId);
    };
  }

  /** Finds `text` in the pane's screen and scrollback, the next match after the current one or the one before. */
  find(sessionId: string, text: string, direction: 'next' | 'previous'): boolean {
    const pane = this.panes.get(sessionId);
    if (!pane || text === '') return false;
    const options = { decorations: { matchOverviewRuler: '#e0af68', activeMatchColorOverviewRuler: '#ff9e64', activeMatchBackground: '#ff9e64' } };
    return direction === 'next' ? pane.search.findNext(text, options) : pane.search.findPrevious(text, options);
  }

  /** Ends a search: its highlights go and the keyboard goes back to the terminal. */
  endFind(sessionId: string): void {
    const pane = this.panes.get(sessionId);
    if (!pane) return;
    pane.search.clearDecorations();
    pane.terminal.clearSelection();
    pane.terminal.focus();
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
      fontFamily: PANE_FONT_FAMILY,
      fontSize: PANE_FONT_SIZE,
      allowProposedApi: true,
      // The colours the session host reports when a program asks for them (shared/terminalColors.ts).
      theme: { ...PANE_THEME },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    // Widths of emoji and symbols as agents' own terminals count them, so their boxes line up.
    terminal.loadAddon(new Unicode11Addon());
    terminal.unicode.activeVersion = '11';
    const search = new SearchAddon();
    terminal.loadAddon(search);
    terminal.loadAddon(new WebLinksAddon(openPaneLink));
    const element = document.createElement('div');
    element.className = 'terminal-surface';
    element.dataset.sessionId = sessionId;
    const pane: Pane = {
      sessionId,
      terminal,
      fit,
      search,
      element,
      attached: false,
      attaching: null,
      seq: 0,
      parsedUnacked: 0,
      resizeObserver: undefined,
    };
    // The session host's mirror answers these for every pane at once (shared/terminalQueries.ts).
    for (const query of ANSWERED_CSI_QUERIES) terminal.parser.registerCsiHandler(query, () => true);
    for (const query of ANSWERED_DCS_QUERIES) terminal.parser.registerDcsHandler(query, () => true);
    // Colour questions too; a colour set in the same sequence is still taken, alone.
    for (const ident of COLOR_QUERY_IDENTS) {
      terminal.parser.registerOscHandler(ident, (data) => {
        const requests = colorRequests(ident, data);
        if (!requests.some((request) => request.type === 'report')) return false;
        const sets = requests.flatMap((request) => (request.type === 'set' ? [setSequence(request)] : []));
        if (sets.length > 0) terminal.write(sets.join(''));
        return true;
      });
    }
    terminal.onData((data) => this.client.send('terminal.input', { sessionId, data }));
    // Copy on select, as in most terminals.
    terminal.onSelectionChange(() => {
      if (terminal.hasSelection()) copyText(terminal.getSelection());
    });
    terminal.attachCustomKeyEventHandler((event) => {
      const action = paneKeyAction(event);
      if (action === null) return true;
      if (event.type !== 'keydown') return false;
      if (action === 'copy') {
        copyText(terminal.getSelection());
        event.preventDefault();
      } else if (action === 'find') {
        event.preventDefault();
        this.findListeners.get(sessionId)?.();
      } else if (action === 'leave') {
        event.preventDefault();
        this.leaveListeners.get(sessionId)?.();
      }
      // Paste: xterm skips the key, the browser pastes into xterm's text area, xterm sends it on.
      return false;
    });
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
