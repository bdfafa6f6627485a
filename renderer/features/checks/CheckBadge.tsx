import { useEffect, useState } from 'react';
import type { CheckResult } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';

const MARK: Record<CheckResult['status'], string> = { running: '…', passed: '✓', failed: '✗' };

/** The task's last check, as a small chip on its card: running, passed or failed, and whether it came from the cache. */
export function CheckBadge({ taskId }: { taskId: string }) {
  const { client } = useActions();
  const [check, setCheck] = useState<CheckResult | null>(null);
  useEffect(() => {
    let current = true;
    const off = client.on('check.changed', (result) => result.taskId === taskId && setCheck(result));
    client
      .call('checks.get', { taskId })
      // A check that arrived by event meanwhile is newer than the answer.
      .then((result) => current && setCheck((seen) => seen ?? result))
      .catch(() => undefined);
    return () => {
      current = false;
      off();
    };
  }, [client, taskId]);
  if (!check) return null;
  const cached = check.cached ? ' (cached)' : '';
  return (
    <span className={`chip check check-${check.status}`} title={`${check.command}: ${check.summary}${cached}`} data-check={check.status}>
      {MARK[check.status]} checks{cached}
    </span>
  );
}
