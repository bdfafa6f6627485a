import { Notification } from 'electron';
import type { NotificationDto } from '../../shared/contract';

/**
 * Shows a notification the core's policy decided on; a click opens its task's pane, or the window
 * for a summary of several.
 */
export function showNotification(notification: NotificationDto, actions: { openTask(taskId: string): void; showWindow(): void }): void {
  if (!Notification.isSupported()) return;
  const shown = new Notification({
    title: notification.title,
    body: notification.body,
    urgency: notification.urgent ? 'critical' : 'normal',
    silent: !notification.sound,
  });
  const { taskId } = notification;
  shown.on('click', () => (taskId === null ? actions.showWindow() : actions.openTask(taskId)));
  shown.show();
}
