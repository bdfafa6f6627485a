import { useState } from 'react';
import type { Task } from '../../../shared/contract';
import { useActions } from '../../stores/actionsContext';

/** A merge that conflicts: what git said, or null for a merge left in progress in the worktree. */
export interface Conflict {
  message: string | null;
  files: string[];
}

/**
 * The conflicting files and the two ways out: the task's agent resolves them in its worktree (the
 * base is merged into the branch there and the agent told which files conflict), or the user does,
 * in their editor opened on the worktree.
 */
export function ConflictPanel({
  task,
  conflict,
  busy,
  act,
}: {
  task: Task;
  conflict: Conflict;
  busy: boolean;
  act: (label: string, fn: () => Promise<unknown>) => Promise<void>;
}) {
  const { client } = useActions();
  const [done, setDone] = useState<string | null>(null);
  const ask = () =>
    act('Asking the agent', async () => {
      const asked = await client.call('review.askAgentToResolve', { taskId: task.id });
      setDone(
        asked.files.length === 0
          ? 'The base merged into the branch with no conflict: merge again.'
          : `${asked.resumed ? 'Resumed the agent and asked it' : 'Asked the agent'} to resolve ${asked.files.join(', ')}; the merge waits in its worktree.`,
      );
    });
  const open = () =>
    act('Opening the editor', async () => {
      const opened = await client.call('review.openInEditor', { taskId: task.id });
      setDone(`Opened ${opened.path} in ${opened.editor}.`);
    });
  return (
    <section className="review-conflict" aria-label="Conflicts">
      <p className="review-conflict-message">{conflict.message ?? 'A merge waits in the worktree, with conflicts in:'}</p>
      <ul className="review-files" aria-label="Conflicting files">
        {conflict.files.map((file) => (
          <li key={file}>{file}</li>
        ))}
      </ul>
      <div className="review-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void ask()}>
          Ask the agent to resolve
        </button>
        <button type="button" disabled={busy} onClick={() => void open()} title="The editor is set in Settings → Editor">
          Open in editor
        </button>
      </div>
      {done && (
        <p className="muted small" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
