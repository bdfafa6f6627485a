import { useMemo } from 'react';
import type { Task } from '../../../shared/contract';
import { COUNTED_STATUSES, statusCounts, toggleStatus, type BoardFilter } from './filters';

/**
 * How many tasks run, need the user, are ready and failed; a click on one shows only those tasks,
 * a second click (or "show all") every task again.
 */
export function HeaderCounts({ tasks, filter, onChange }: { tasks: readonly Task[]; filter: BoardFilter; onChange: (f: BoardFilter) => void }) {
  const counts = useMemo(() => statusCounts(tasks), [tasks]);
  const shown = COUNTED_STATUSES.find((c) => c.status === filter.status);
  return (
    <div className="header-counts" role="group" aria-label="Tasks by status">
      {COUNTED_STATUSES.map(({ status, label, hint }) => (
        <button
          key={status}
          type="button"
          className={`count-button count-${status}${counts[status] > 0 ? ' nonzero' : ''}`}
          aria-pressed={filter.status === status}
          onClick={() => onChange(toggleStatus(filter, status))}
          title={filter.status === status ? 'Show every task again' : `Show only the tasks ${hint}`}
        >
          {counts[status]} {label}
        </button>
      ))}
      {shown && (
        <span className="filter-state" role="status">
          only {shown.label}
          <button type="button" className="link" onClick={() => onChange({ ...filter, status: '' })}>
            show all
          </button>
        </span>
      )}
    </div>
  );
}
