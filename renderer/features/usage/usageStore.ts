import { useEffect } from 'react';
import { create } from 'zustand';
import type { TaskUsage, UsageReport } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';
import { reportError, useAppStore } from '../../stores/appStore';

interface UsageState {
  /** The selected project's report, as last loaded. */
  report: UsageReport | null;
  /** Each task's usage, kept current by `usage.changed`. */
  byTask: Record<string, TaskUsage>;
}

export const useUsageStore = create<UsageState>(() => ({ report: null, byTask: {} }));

/** Delay that folds a burst of usage changes into one reload of the report (ms). */
const REPORT_RELOAD_DELAY_MS = 500;

/** Loads the selected project's usage and follows it: once, in the app. */
export function useUsageWiring(): void {
  const { client } = useActions();
  const projectId = useAppStore((s) => s.selectedProjectId);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      if (!projectId) return useUsageStore.setState({ report: null, byTask: {} });
      client
        .call('usage.report', { projectId })
        .then((report) => current && useUsageStore.setState({ report, byTask: Object.fromEntries(report.tasks.map((t) => [t.taskId, t])) }))
        .catch(reportError);
    };
    load();
    const offUsage = client.on('usage.changed', (usage) => {
      if (usage.projectId !== projectId) return;
      useUsageStore.setState((s) => ({ byTask: { ...s.byTask, [usage.taskId]: usage } }));
      clearTimeout(timer);
      timer = setTimeout(load, REPORT_RELOAD_DELAY_MS);
    });
    // A task that moves (started, finished) changes its times.
    const offTask = client.on('task.changed', (change) => {
      if (change.kind === 'deleted' || change.task.projectId !== projectId) return;
      clearTimeout(timer);
      timer = setTimeout(load, REPORT_RELOAD_DELAY_MS);
    });
    return () => {
      current = false;
      clearTimeout(timer);
      offUsage();
      offTask();
    };
  }, [client, projectId]);
}
