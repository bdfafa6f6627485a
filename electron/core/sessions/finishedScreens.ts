import type { Disposable } from '../disposable';
import type { Logger } from '../log';
import type { AttachReply } from './hostProtocol';
import { MirrorThread } from './mirrorThread';
import type { TranscriptStore } from './transcriptStore';

/**
 * Characters of rebuilt screens kept, so that attaching to the same finished session again costs
 * no parse. A screen is at most the mirror's scrollback, a few hundred kB of escape sequences.
 */
export const FINISHED_SCREEN_CACHE_MAX_CHARS = 8 * 1024 * 1024;

/**
 * The screens of sessions the host holds no mirror for (they ran before this run of the app),
 * rebuilt from their transcripts in a mirror thread, never on the core's event loop. The thread
 * starts with the first such attach. A screen is kept until its transcript grows or other screens
 * push it out.
 */
export class FinishedScreens implements Disposable {
  private thread: MirrorThread | undefined;
  /** By session and size, least recently used first. */
  private readonly cache = new Map<string, { snapshot: string; seq: number }>();
  private cachedChars = 0;

  constructor(
    private readonly transcript: TranscriptStore,
    private readonly log: Logger,
  ) {}

  async attach(sessionId: string, cols: number, rows: number): Promise<AttachReply> {
    const key = `${sessionId} ${cols}x${rows}`;
    const seq = await this.transcript.lastSeq(sessionId);
    const cached = this.cache.get(key);
    if (cached && cached.seq === seq) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return { ...cached, cols, rows };
    }
    const chunks = await this.transcript.chunks(sessionId);
    this.thread ??= new MirrorThread(this.log);
    const screen = await this.thread.replay(chunks, cols, rows);
    this.keep(key, screen);
    return { ...screen, cols, rows };
  }

  private keep(key: string, screen: { snapshot: string; seq: number }): void {
    const previous = this.cache.get(key);
    if (previous) this.cachedChars -= previous.snapshot.length;
    this.cache.delete(key);
    if (screen.snapshot.length > FINISHED_SCREEN_CACHE_MAX_CHARS) return;
    this.cache.set(key, screen);
    this.cachedChars += screen.snapshot.length;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedChars <= FINISHED_SCREEN_CACHE_MAX_CHARS) break;
      this.cache.delete(oldest);
      this.cachedChars -= entry.snapshot.length;
    }
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    this.cachedChars = 0;
    await this.thread?.dispose();
  }
}
