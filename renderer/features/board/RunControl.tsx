import { useEffect, useState } from 'react';
import type { SchedulerStatus } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';
import { reportError } from '../../stores/appStore';

/** Delay that folds a burst of task changes into one status reload (ms). */
const STATUS_RELOAD_DELAY_MS = 200;

/** The project's run: on, ready tasks start by themselves in dependency order; off, nothing new starts. */
export function RunControl({ projectId }: { projectId: string }) {
  const { client } = useActions();
  const [status, setStatus] = useState<SchedulerStatus | null>(null);

  useEffect(() => {
    let current = true;
    client
      .call('scheduler.status', { projectId })
      .then((s) => current && setStatus(s))
      .catch(reportError);
    const off = client.on('scheduler.changed', (s) => s.projectId === projectId && setStatus(s));
    // Counts move with the tasks too (an import, an edit) while the run is off.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offTasks = client.on('task.changed', () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          void client
            .call('scheduler.status', { projectId })
            .then((s) => current && setStatus(s))
            .catch(() => undefined),
        STATUS_RELOAD_DELAY_MS,
      );
    });
    return () => {
      current = false;
      clearTimeout(timer);
      off();
      offTasks();
    };
  }, [client, projectId]);

  // Until the status is in, the control holds its place: the header's buttons must not move under the pointer.
  if (!status || status.projectId !== projectId)
    return (
      <div className="run-control" aria-label="Run" aria-busy="true">
        <button type="button" className="primary" disabled>
          Run
        </button>
        <span className="muted small" style={{ visibility: 'hidden' }}>
          0 running · 0 waiting
        </span>
      </div>
    );
  const toggle = () =>
    client
      .call(status.active ? 'scheduler.pause' : 'scheduler.run', { projectId })
      .then(setStatus)
      .catch(reportError);
  return (
    <div className="run-control" aria-label="Run">
      <button type="button" className={status.active ? '' : 'primary'} onClick={() => void toggle()}>
        {status.active ? 'Pause run' : 'Run'}
      </button>
      <span className="muted small" title={status.lastError ? `${status.lastError.code}: ${status.lastError.message}` : undefined}>
        {status.running} running · {status.waiting} waiting
        {status.blocked.length > 0 && ` · ${status.blocked.length} blocked`}
        {status.lastError && ' · last start failed'}
      </span>
    </div>
  );
}
