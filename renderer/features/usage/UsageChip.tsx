import { useUsageStore } from './usageStore';
import { usageChipText } from './usageFormat';

/** A task's tokens and cost, as a chip on its card: live while its agent runs. */
export function UsageChip({ taskId }: { taskId: string }) {
  const usage = useUsageStore((s) => s.byTask[taskId]);
  const costMode = useUsageStore((s) => s.report?.costMode ?? 'cost');
  if (!usage) return null;
  const text = usageChipText(usage, costMode);
  if (!text) return null;
  const title = usage.observable
    ? `${usage.models.map((m) => m.model).join(', ')}${usage.costUsd === null && costMode === 'cost' ? ' — no price for this model: set one in Settings → Usage' : ''}`
    : 'This agent records nothing Switchyard can read: its usage is not observable';
  return (
    <span className={usage.live ? 'chip usage reading' : 'chip usage'} title={title} data-usage={usage.taskId}>
      {text}
    </span>
  );
}
