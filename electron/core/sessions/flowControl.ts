import {
  TERMINAL_HIGH_WATERMARK_CHARS,
  TERMINAL_LOW_WATERMARK_CHARS,
  TERMINAL_SLOW_CLIENT_MS,
} from '../../../shared/constants';

export interface FlowLimits {
  highWatermarkChars: number;
  lowWatermarkChars: number;
  slowClientMs: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = {
  highWatermarkChars: TERMINAL_HIGH_WATERMARK_CHARS,
  lowWatermarkChars: TERMINAL_LOW_WATERMARK_CHARS,
  slowClientMs: TERMINAL_SLOW_CLIENT_MS,
};

interface ClientFlow {
  unacked: number;
  /** When this client went above the high watermark (epoch ms), while it stays there. */
  behindSince: number | undefined;
}

/**
 * The flow-control bookkeeping of one session, with no timers and no pty: it counts each attached
 * client's unacknowledged characters and says whether the pty should run, and which clients have
 * held it paused too long. The session applies what it says.
 */
export class FlowControl {
  private readonly clients = new Map<string, ClientFlow>();
  private paused = false;

  constructor(private readonly limits: FlowLimits = DEFAULT_FLOW_LIMITS) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get clientIds(): string[] {
    return [...this.clients.keys()];
  }

  has(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  unacked(clientId: string): number {
    return this.clients.get(clientId)?.unacked ?? 0;
  }

  add(clientId: string): void {
    this.clients.set(clientId, { unacked: 0, behindSince: undefined });
  }

  /** Returns whether the pty must now be resumed. */
  remove(clientId: string): boolean {
    this.clients.delete(clientId);
    return this.update();
  }

  /** Counts `chars` sent to every client; returns whether the pty must now be paused. */
  sent(chars: number, now = Date.now()): boolean {
    for (const client of this.clients.values()) {
      client.unacked += chars;
      if (client.unacked > this.limits.highWatermarkChars) client.behindSince ??= now;
    }
    const wasPaused = this.paused;
    this.update();
    return !wasPaused && this.paused;
  }

  /** Records an acknowledgement; returns whether the pty must now be resumed. */
  ack(clientId: string, chars: number): boolean {
    const client = this.clients.get(clientId);
    if (!client) return false;
    client.unacked = Math.max(0, client.unacked - chars);
    if (client.unacked <= this.limits.highWatermarkChars) client.behindSince = undefined;
    return this.update();
  }

  /** Clients that have kept the pty paused for longer than the limit. */
  slowClients(now = Date.now()): string[] {
    const slow: string[] = [];
    for (const [id, client] of this.clients) {
      if (client.behindSince !== undefined && now - client.behindSince >= this.limits.slowClientMs) slow.push(id);
    }
    return slow;
  }

  /** Pauses above the high watermark; resumes only once every client is below the low one. Returns true on resume. */
  private update(): boolean {
    let highest = 0;
    for (const client of this.clients.values()) highest = Math.max(highest, client.unacked);
    if (!this.paused && highest > this.limits.highWatermarkChars) {
      this.paused = true;
      return false;
    }
    if (this.paused && highest < this.limits.lowWatermarkChars) {
      this.paused = false;
      return true;
    }
    return false;
  }
}
