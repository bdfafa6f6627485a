import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  AGENT_KINDS,
  TASK_PRIORITIES,
  type AgentKind,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';
import { ReviewPanel } from '../worktrees/ReviewPanel';
import { AGENT_LABELS, COLUMNS } from './columns';

export type EditorTarget = { kind: 'new'; status: TaskStatus } | { kind: 'edit'; task: Task };

export function TaskEditor({
  projectId,
  target,
  onClose,
}: {
  projectId: string;
  target: EditorTarget;
  onClose: () => void;
}) {
  const actions = useActions();
  const existing = target.kind === 'edit' ? target.task : null;
  const [title, setTitle] = useState(existing?.title ?? '');
  const [prompt, setPrompt] = useState(existing?.prompt ?? '');
  const [status, setStatus] = useState<TaskStatus>(existing?.status ?? (target.kind === 'new' ? target.status : 'backlog'));
  // The column the editor opened with: a save moves the card only if the user picked another one,
  // so an agent that moved the card meanwhile is not overruled by a stale value.
  const [openedStatus] = useState(status);
  const [priority, setPriority] = useState<TaskPriority>(existing?.priority ?? 'normal');
  const [agentKind, setAgentKind] = useState<AgentKind | ''>(existing?.agentKind ?? '');
  const [saving, setSaving] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    titleRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const fields = { title, prompt, priority, ...(agentKind ? { agentKind } : {}) };
    const saved = existing
      ? await actions.updateTask(existing.id, { ...fields, ...(status !== openedStatus ? { status } : {}) })
      : await actions.createTask({ projectId, ...fields, status });
    setSaving(false);
    if (saved) onClose();
  };

  const remove = async () => {
    if (!existing || !confirm(`Delete the task "${existing.title}"?`)) return;
    if (await actions.deleteTask(existing.id)) onClose();
  };

  if (existing && reviewing) return <ReviewPanel task={existing} onClose={() => setReviewing(false)} />;

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="dialog" role="dialog" aria-modal="true" aria-label={existing ? 'Edit task' : 'New task'} onSubmit={(e) => void save(e)}>
        <h2>{existing ? 'Edit task' : 'New task'}</h2>
        <label>
          Title
          <input ref={titleRef} name="title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
        </label>
        <label>
          Prompt
          <textarea name="prompt" rows={8} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="What the agent should do (markdown)" />
        </label>
        <div className="row">
          <label>
            Status
            <select name="status" value={status} onChange={(e) => setStatus(e.target.value as TaskStatus)}>
              {COLUMNS.map((c) => (
                <option key={c.status} value={c.status}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Priority
            <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value as TaskPriority)}>
              {TASK_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Agent
            <select name="agent" value={agentKind} onChange={(e) => setAgentKind(e.target.value as AgentKind | '')}>
              {!existing && <option value="">Project default</option>}
              {AGENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {AGENT_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="dialog-actions">
          {existing && (
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete
            </button>
          )}
          {existing && (
            <button type="button" onClick={() => setReviewing(true)}>
              Worktree &amp; review
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving || title.trim() === ''}>
            {existing ? 'Save' : 'Create task'}
          </button>
        </div>
      </form>
    </div>
  );
}
