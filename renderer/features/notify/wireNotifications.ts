import type { RpcClient } from '../../rpc/client';
import { reportError, useAppStore, type Actions } from '../../stores/appStore';
import type { SessionActions } from '../terminals/sessionActions';
import { showWebNotifications } from './webNotifications';

/**
 * A click on a notification or a tray item opens that task's pane, in its project; notifications
 * of the core are shown as Web Notifications in browser mode.
 */
export function wireNotifications(client: RpcClient, actions: Actions, terminals: SessionActions): void {
  const openTaskPane = async (taskId: string) => {
    try {
      const task = await client.call('tasks.get', { id: taskId });
      if (useAppStore.getState().selectedProjectId !== task.projectId) await actions.selectProject(task.projectId);
      await terminals.openTask(taskId, false);
    } catch (error) {
      reportError(error);
    }
  };
  client.on('attention.open', ({ taskId }) => void openTaskPane(taskId));
  showWebNotifications(client, (taskId) => void openTaskPane(taskId));
}
