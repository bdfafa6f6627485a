import { Notification } from 'electron';
import type { NotificationDecision } from '../core/notify/attention';

/** Shows what the core decided is worth a notification; a click opens the task. */
export function showNotification(decision: NotificationDecision, openTask: (taskId: string) => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({
    title: decision.title,
    body: decision.body,
    urgency: decision.urgent ? 'critical' : 'normal',
    silent: !decision.urgent,
  });
  notification.on('click', () => openTask(decision.taskId));
  notification.show();
}
