import { useAppStore } from '../../stores/appStore';
import { dismissNotificationPrompt, requestNotificationPermission, useWebNotifications } from './webNotifications';

/** Browser mode asks once, with a button (browsers only ask on a click), to be allowed to notify. */
export function NotificationPromptBar() {
  const browser = useAppStore((s) => s.info?.mode === 'browser');
  const { permission, promptDismissed } = useWebNotifications();
  if (!browser || permission !== 'default' || promptDismissed) return null;
  return (
    <div className="banner prompt-bar" role="region" aria-label="Notifications">
      <span>Let Switchyard tell you when an agent needs you while this tab is in the background?</span>
      <button type="button" onClick={() => void requestNotificationPermission()}>
        Allow notifications
      </button>
      <button type="button" className="link" onClick={dismissNotificationPrompt}>
        Not now
      </button>
    </div>
  );
}
