import { dismissNotice, useAppStore } from '../stores/appStore';

/** Errors and news, as readable messages with their code and, when there is one, the way to the fix. */
export function Notices() {
  const notices = useAppStore((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={n.news ? 'notice news' : 'notice'} role={n.news ? 'status' : 'alert'}>
          <span>
            {n.code && <code className="notice-code">{n.code}</code>} {n.message}
          </span>
          {n.action && (
            <button
              type="button"
              className="notice-action"
              onClick={() => {
                dismissNotice(n.id);
                n.action!.run();
              }}
            >
              {n.action.label}
            </button>
          )}
          <button type="button" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
