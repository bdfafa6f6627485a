import { useMemo } from 'react';
import type { Task } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';
import { openSettings, useAppStore } from '../../stores/appStore';
import { useSessionStore } from '../terminals/sessionStore';
import { agentFactsByTask, NO_AGENT } from './liveness';
import { AllowAllBadge } from './TaskCard';
import { reasonDetails } from './taskReason';

/** What the panel is called for each kind of reason, for those who hear it rather than see it. */
const LABELS: Record<NonNullable<Task['reason']>['kind'], string> = {
  blocked: 'Why this task could not start',
  failed: 'Why this task failed',
  crashed: 'Why this task’s agent stopped',
  retrying: 'Why this task is trying to start again',
  usage_limit: 'Why this task waits for a usage limit',
  waited_for_app: 'Why this task waited to start',
};

/** The panel's name: by the task's reason, else (a failed task with none) that it failed. */
function reasonLabel(task: Task): string {
  return task.reason ? LABELS[task.reason.kind] : 'Why this task failed';
}

/**
 * In the task's own view (its editor, or its view beside its pane): why it did not start or stopped,
 * the whole message, and what to do, with a button that leads to the fix; and the warning when its
 * agent runs with every question allowed. From the editor, going to the fix closes the editor.
 */
export function ReasonPanel({ task, closeEditor }: { task: Task; closeEditor?: () => void }) {
  const actions = useActions();
  const allowAll = useAppStore((s) => s.presets[task.projectId] === 'all');
  const sessions = useSessionStore((s) => s.sessions);
  const latest = useSessionStore((s) => s.latest);
  const agent = useMemo(() => agentFactsByTask(sessions, latest).get(task.id) ?? NO_AGENT, [sessions, latest, task.id]);
  const details = reasonDetails(task, agent);
  if (!details && !allowAll) return null;
  return (
    <div className="reason-panel">
      {allowAll && (
        <p className="allow-all-warning">
          <AllowAllBadge /> Every permission question of this project’s agents is answered yes (Settings → Permission questions).
        </p>
      )}
      {details && (
        <section className={`reason-details reason-${details.tone}`} role="status" aria-label={reasonLabel(task)}>
          <strong>{details.title}</strong>
          <p className="reason-message">
            {details.code && <code className="notice-code">{details.code}</code>} {details.message}
          </p>
          <p className="muted">{details.advice}</p>
          {details.fix === 'agent-settings' && (
            <button
              type="button"
              onClick={() => {
                closeEditor?.();
                openSettings('Agents');
              }}
            >
              Open Settings → Agents
            </button>
          )}
          {details.fix === 'edit-task' && !closeEditor && (
            <button type="button" onClick={() => void actions.openTask(task.id)}>
              Edit the task
            </button>
          )}
        </section>
      )}
    </div>
  );
}
