import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { TaskStatus, TokenCounts } from '../../../shared/contract';
import { WRITE_TRANSACTION, type Db } from '../db/client';
import { taskStatusChanges, usageBuckets, usageSources } from '../db/schema';
import type { UsageEntry } from './usageEntry';

export type SourceFormat = 'claude-transcript' | 'codex-rollout';

export interface UsageSource {
  sessionId: string;
  format: SourceFormat;
  path: string;
  offset: number;
  carry: unknown;
}

export interface BucketRow {
  sessionId: string;
  model: string;
  hour: number;
  tokens: TokenCounts;
}

const HOUR_MS = 3_600_000;

/** Every query of the usage tables, and nothing else. */
export class UsageStore {
  constructor(private readonly db: Db) {}

  source(sessionId: string): UsageSource | null {
    const row = this.db.select().from(usageSources).where(eq(usageSources.sessionId, sessionId)).get();
    if (!row) return null;
    return { sessionId, format: row.format, path: row.path, offset: row.offset, carry: JSON.parse(row.carry) as unknown };
  }

  /** Where the session's agent records its usage: a new file is read from its start. */
  setSource(sessionId: string, format: SourceFormat, path: string, at = Date.now()): void {
    this.db
      .insert(usageSources)
      .values({ sessionId, format, path, offset: 0, carry: 'null', updatedAt: at })
      .onConflictDoUpdate({ target: usageSources.sessionId, set: { format, path, offset: 0, carry: 'null', updatedAt: at } })
      .run();
  }

  /** The tokens read and how far the file was read, in one transaction: a restart neither loses nor repeats them. */
  advance(sessionId: string, entries: readonly UsageEntry[], offset: number, carry: unknown, at = Date.now()): void {
    this.db.transaction((tx) => {
      for (const entry of entries) {
        const hour = Math.floor(entry.at / HOUR_MS) * HOUR_MS;
        const t = entry.tokens;
        tx.insert(usageBuckets)
          .values({ sessionId, model: entry.model, hour, inputTokens: t.input, outputTokens: t.output, cacheWriteTokens: t.cacheWrite, cacheReadTokens: t.cacheRead })
          .onConflictDoUpdate({
            target: [usageBuckets.sessionId, usageBuckets.model, usageBuckets.hour],
            set: {
              inputTokens: sql`${usageBuckets.inputTokens} + ${t.input}`,
              outputTokens: sql`${usageBuckets.outputTokens} + ${t.output}`,
              cacheWriteTokens: sql`${usageBuckets.cacheWriteTokens} + ${t.cacheWrite}`,
              cacheReadTokens: sql`${usageBuckets.cacheReadTokens} + ${t.cacheRead}`,
            },
          })
          .run();
      }
      tx.update(usageSources).set({ offset, carry: JSON.stringify(carry), updatedAt: at }).where(eq(usageSources.sessionId, sessionId)).run();
    }, WRITE_TRANSACTION);
  }

  /** The sessions' tokens per model and hour, from `since` (epoch ms) when given. */
  buckets(sessionIds: readonly string[], since?: number): BucketRow[] {
    if (sessionIds.length === 0) return [];
    const rows = this.db
      .select()
      .from(usageBuckets)
      .where(since === undefined ? inArray(usageBuckets.sessionId, [...sessionIds]) : and(inArray(usageBuckets.sessionId, [...sessionIds]), gte(usageBuckets.hour, Math.floor(since / HOUR_MS) * HOUR_MS)))
      .orderBy(asc(usageBuckets.hour))
      .all();
    return rows.map((r) => ({
      sessionId: r.sessionId,
      model: r.model,
      hour: r.hour,
      tokens: { input: r.inputTokens, output: r.outputTokens, cacheWrite: r.cacheWriteTokens, cacheRead: r.cacheReadTokens },
    }));
  }

  /** Notes the statuses tasks are in now, in one transaction; each unless it is the one noted last for its task. */
  noteStatuses(notes: readonly { taskId: string; status: TaskStatus; at: number }[]): void {
    this.db.transaction((tx) => {
      for (const { taskId, status, at } of notes) {
        const last = tx
          .select({ status: taskStatusChanges.status })
          .from(taskStatusChanges)
          .where(eq(taskStatusChanges.taskId, taskId))
          .orderBy(desc(taskStatusChanges.id))
          .get();
        if (last?.status !== status) tx.insert(taskStatusChanges).values({ taskId, status, at }).run();
      }
    }, WRITE_TRANSACTION);
  }

  statuses(taskId: string): { status: TaskStatus; at: number }[] {
    return this.db
      .select({ status: taskStatusChanges.status, at: taskStatusChanges.at })
      .from(taskStatusChanges)
      .where(eq(taskStatusChanges.taskId, taskId))
      .orderBy(asc(taskStatusChanges.id))
      .all();
  }
}
