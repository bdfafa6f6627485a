import { create } from 'zustand';
import type { NotificationDto } from '../../../shared/contract';
import type { RpcClient } from '../../rpc/client';
import { useAppStore } from '../../stores/appStore';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

/** Where a "Not now" on the prompt bar is remembered, so that it asks once. */
const PROMPT_DISMISSED_KEY = 'switchyard.notifications.promptDismissed';

interface WebNotificationState {
  permission: NotificationPermissionState;
  promptDismissed: boolean;
}

function currentPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export const useWebNotifications = create<WebNotificationState>(() => ({
  permission: currentPermission(),
  promptDismissed: localStorage.getItem(PROMPT_DISMISSED_KEY) === 'yes',
}));

/** Asks the browser to allow notifications; browsers only ask from a user's click. */
export async function requestNotificationPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  const permission = await Notification.requestPermission();
  useWebNotifications.setState({ permission });
}

export function dismissNotificationPrompt(): void {
  localStorage.setItem(PROMPT_DISMISSED_KEY, 'yes');
  useWebNotifications.setState({ promptDismissed: true });
}

/**
 * Browser mode: what the core's notification policy decided is shown with the Web Notifications
 * API once the user allowed it; a click brings the tab forward and opens the task's pane. The
 * desktop shell shows its own notifications, so a desktop window shows none.
 */
export function showWebNotifications(client: RpcClient, openTask: (taskId: string) => void): void {
  client.on('notify.show', (notification: NotificationDto) => {
    if (useAppStore.getState().info?.mode !== 'browser' || currentPermission() !== 'granted') return;
    // One notification per task at a time: a newer one about it replaces the older, also from another tab.
    const shown = new Notification(notification.title, {
      body: notification.body,
      tag: notification.taskId ?? 'switchyard-summary',
      silent: !notification.sound,
      requireInteraction: notification.urgent,
    });
    shown.onclick = () => {
      window.focus();
      if (notification.taskId) openTask(notification.taskId);
      shown.close();
    };
  });
}
