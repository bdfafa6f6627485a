import { useUsageStore } from './usageStore';
import { dollars, duration, shortTokens } from './usageFormat';

/** What a task used, in its task view: tokens by kind, cost, and its agent's time by state. */
export function TaskUsagePanel({ taskId }: { taskId: string }) {
  const usage = useUsageStore((s) => s.byTask[taskId]);
  const costMode = useUsageStore((s) => s.report?.costMode ?? 'cost');
  if (!usage) return null;
  return (
    <section className="task-usage" aria-label="Usage">
      <h3>Usage</h3>
      {usage.tokens ? (
        <p>
          input {shortTokens(usage.tokens.input)} · output {shortTokens(usage.tokens.output)} · cache write {shortTokens(usage.tokens.cacheWrite)} · cache read{' '}
          {shortTokens(usage.tokens.cacheRead)}
          {costMode === 'cost' && <> · {usage.costUsd === null ? 'unpriced' : dollars(usage.costUsd)}</>}
        </p>
      ) : (
        <p className="muted">Not observable: this agent records no usage Switchyard can read.</p>
      )}
      <p className="muted">
        working {duration(usage.workingMs)} · waiting for you {duration(usage.waitingMs)} · idle {duration(usage.idleMs)}
        {usage.limitWaitMs > 0 && <> · waiting for a limit {duration(usage.limitWaitMs)}</>}
        {usage.leadTimeMs !== null && <> · ready → review {duration(usage.leadTimeMs)}</>}
      </p>
    </section>
  );
}
