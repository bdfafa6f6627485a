import { useState, type FormEvent } from 'react';
import type { AgentKind, Task, TaskPriority, TaskStatus } from '../../../shared/contract';
import { AGENT_KINDS, TASK_PRIORITIES } from '../../../shared/contract/taskKinds';
import type { ErrorData } from '../../../shared/errors';
import { useDialogFocus } from '../../components/useDialogFocus';
import { useActions } from '../../stores/actionsContext';
import { Loadable } from '../../components/Loadable';
import { lazyNamed } from '../../components/lazyNamed';
import { AGENT_LABELS, COLUMNS } from './columns';
import { formatCommandLine, splitCommandLine, storedCommand } from './commandLine';
import { ReasonPanel } from './ReasonPanel';

const ReviewPanel = lazyNamed(() => import('../worktrees/ReviewPanel'), 'ReviewPanel');

/**
 * Focuses the element `selector` finds as soon as it is on the page and focus can stay there (for
 * up to five seconds): while the closing dialog is still mounted it pulls focus back into itself,
 * so a focus that did not hold is tried again on the next frame.
 */
function focusWhenShown(selector: string): void {
  const until = Date.now() + 5_000;
  const tryFocus = () => {
    const element = document.querySelector<HTMLElement>(selector);
    element?.focus();
    if ((!element || document.activeElement !== element) && Date.now() < until) requestAnimationFrame(tryFocus);
  };
  requestAnimationFrame(tryFocus);
}

/** How a custom command is given the task's prompt, as the core's custom-command adapter reads it. */
const PROMPT_DELIVERIES = [
  { value: 'stdin', label: 'typed into it' },
  { value: 'argv', label: 'as its last argument' },
  { value: 'none', label: 'not given' },
] as const;
type PromptDelivery = (typeof PROMPT_DELIVERIES)[number]['value'];

function storedDelivery(agentOptions: Record<string, unknown>): PromptDelivery {
  return PROMPT_DELIVERIES.find((d) => d.value === agentOptions.promptDelivery)?.value ?? 'stdin';
}

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
  const [commandLine, setCommandLine] = useState(() => formatCommandLine(storedCommand(existing?.agentOptions ?? {}) ?? []));
  const [delivery, setDelivery] = useState<PromptDelivery>(storedDelivery(existing?.agentOptions ?? {}));
  const [commandError, setCommandError] = useState<ErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const dialogRef = useDialogFocus<HTMLFormElement>(onClose);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    // A custom command is stored as the words of its command line, split as a shell would.
    let agentOptions: Record<string, unknown> | undefined;
    if (agentKind === 'custom') {
      const parsed = splitCommandLine(commandLine);
      if (!parsed.ok) {
        setCommandError(parsed.error);
        return;
      }
      agentOptions = { ...(existing?.agentOptions ?? {}), command: parsed.argv, promptDelivery: delivery };
    }
    setCommandError(null);
    setSaving(true);
    const fields = { title, prompt, priority, ...(agentKind ? { agentKind } : {}), ...(agentOptions ? { agentOptions } : {}) };
    const saved = existing
      ? await actions.updateTask(existing.id, { ...fields, ...(status !== openedStatus ? { status } : {}) })
      : await actions.createTask({ projectId, ...fields, status });
    setSaving(false);
    if (!saved) return;
    onClose();
    // Focus lands on what was just made: the new card, once the board shows it.
    if (!existing && 'id' in saved) focusWhenShown(`[data-task-id="${saved.id}"]`);
  };

  const remove = async () => {
    if (!existing || !confirm(`Delete the task "${existing.title}"?`)) return;
    if (await actions.deleteTask(existing.id)) onClose();
  };

  if (existing && reviewing)
    return (
      <Loadable what="the review">
        <ReviewPanel task={existing} onClose={(landed) => (landed ? onClose() : setReviewing(false))} />
      </Loadable>
    );

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form ref={dialogRef} className="dialog" role="dialog" aria-modal="true" aria-label={existing ? 'Edit task' : 'New task'} onSubmit={(e) => void save(e)}>
        <h2>{existing ? 'Edit task' : 'New task'}</h2>
        {existing && <ReasonPanel task={existing} closeEditor={onClose} />}
        <label>
          Title
          <input data-autofocus name="title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
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
        {agentKind === 'custom' && (
          <div className="custom-command">
            <label>
              Command
              <input
                name="command"
                value={commandLine}
                onChange={(e) => {
                  setCommandLine(e.target.value);
                  setCommandError(null);
                }}
                placeholder="my-agent --flag 'an argument'"
                aria-invalid={commandError !== null}
                spellCheck={false}
              />
            </label>
            <label>
              Prompt given
              <select name="promptDelivery" value={delivery} onChange={(e) => setDelivery(e.target.value as PromptDelivery)}>
                {PROMPT_DELIVERIES.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </label>
            {commandError && (
              <p className="field-error" role="alert">
                <code className="notice-code">{commandError.code}</code> {commandError.message}
              </p>
            )}
            <p className="muted small">Run directly in the task’s worktree, without a shell: quote words with spaces as a shell would.</p>
          </div>
        )}
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
