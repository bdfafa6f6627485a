import { create } from 'zustand';
import { TASK_STATUSES } from '../../../shared/contract/taskKinds';
import type { TaskStatus } from '../../../shared/contract';

/** Where the board remembers which columns the user collapsed, so that they stay so after a reload. */
const COLLAPSED_COLUMNS_KEY = 'switchyard.board.collapsedColumns';

function stored(): TaskStatus[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(COLLAPSED_COLUMNS_KEY) ?? '[]');
    return Array.isArray(value) ? TASK_STATUSES.filter((status) => value.includes(status)) : [];
  } catch {
    return [];
  }
}

/** The columns shown as a narrow strip (title and count only) instead of their cards. */
export const useCollapsedColumns = create<{ collapsed: TaskStatus[] }>(() => ({ collapsed: stored() }));

export function toggleColumn(status: TaskStatus): void {
  const { collapsed } = useCollapsedColumns.getState();
  const next = collapsed.includes(status) ? collapsed.filter((s) => s !== status) : [...collapsed, status];
  // Storage full or refused (a private window): the column still folds, for this page's life.
  try {
    localStorage.setItem(COLLAPSED_COLUMNS_KEY, JSON.stringify(next));
  } catch {
    // Remembered in memory only.
  }
  useCollapsedColumns.setState({ collapsed: next });
}
