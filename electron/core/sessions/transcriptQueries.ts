import type { TranscriptMatch } from '../../../shared/contract';
import type { SessionRows } from './sessionRows';
import { plainLines, plainText, searchLines } from './transcriptText';
import type { TranscriptStore } from './transcriptStore';

/** What clients ask of a session's recorded output: a search with context lines, and an export. */
export class TranscriptQueries {
  constructor(
    private readonly rows: SessionRows,
    private readonly transcript: TranscriptStore,
  ) {}

  async search(sessionId: string, query: string, context: number, limit: number): Promise<{ matches: TranscriptMatch[]; truncated: boolean }> {
    this.rows.get(sessionId);
    return searchLines(plainLines(await this.transcript.raw(sessionId)), query, context, limit);
  }

  async export(sessionId: string, format: 'text' | 'raw'): Promise<{ format: 'text' | 'raw'; data: string }> {
    this.rows.get(sessionId);
    const raw = await this.transcript.raw(sessionId);
    return { format, data: format === 'raw' ? raw : plainText(raw) };
  }
}
