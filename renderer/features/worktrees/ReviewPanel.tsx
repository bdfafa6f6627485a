import { useCallback, useEffect, useRef, useState } from 'react';
import type { PushAvailability, SavedChanges, Task, Worktree, WorktreeDiff, WorktreeState } from '../../../shared/contract';
import { useDialogFocus } from '../../components/useDialogFocus';
import { RpcError } from '../../rpc/client';
import { useActions } from '../../stores/actionsContext';
import { reportError, showNews } from '../../stores/appStore';
import { ConflictPanel, type Conflict } from './ConflictPanel';
import { DiffViewer } from './DiffViewer';
import { mergeWords } from './mergeWords';
import './worktrees.css';

/** Lines of setup progress kept on screen; older ones scroll away. */
const PROGRESS_LINES = 200;

interface Loaded {
  worktree: Worktree | null;
  root: string;
  state: WorktreeState | null;
  diff: WorktreeDiff | null;
  push: PushAvailability | null;
  saved: SavedChanges[];
}

/**
 * A task's worktree and its review: where it lives and on which branch, its changed files and diff
 * against the base, and the actions that commit, rebase, merge (or squash), open a pull request,
 * archive or remove it. Removal of unsaved work asks before it saves the work and goes on. A merge
 * is said in words; one that finished the task leaves the panel saying so, and closing it says the
 * task landed (`onClose(true)`), so that whatever opened the panel closes with it.
 */
export function ReviewPanel({ task, onClose }: { task: Task; onClose: (landed: boolean) => void }) {
  const { client } = useActions();
  const [landed, setLanded] = useState<string | null>(null);
  const close = () => onClose(landed !== null);
  const dialogRef = useDialogFocus<HTMLElement>(close);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [progress, setProgress] = useState<string[]>([]);
  const [message, setMessage] = useState(task.title);
  const [busy, setBusy] = useState<string | null>(null);
  const [finish, setFinish] = useState(true);
  /** What the last merge that left the worktree did, in words. */
  const [merged, setMerged] = useState<string | null>(null);
  /** The last merge or rebase that conflicted, with its files and the branch's head it conflicted at. */
  const [conflict, setConflict] = useState<(Conflict & { head: string | null }) | null>(null);

  // Loads overlap (each change of the worktree starts one): only the latest one is shown.
  const latestLoad = useRef(0);
  const load = useCallback((): Promise<void> => {
    const mine = ++latestLoad.current;
    const show = (next: Loaded) => mine === latestLoad.current && setLoaded(next);
    const read = async (again: boolean): Promise<void> => {
      const worktree = await client.call('worktrees.get', { taskId: task.id });
      const { path: root } = await client.call('worktrees.root', { projectId: task.projectId });
      const saved = await client.call('worktrees.saved', { projectId: task.projectId, taskId: task.id });
      if (!worktree || worktree.status !== 'active') return void show({ worktree, root, state: null, diff: null, push: null, saved });
      try {
        const [state, diff, push] = await Promise.all([
          client.call('worktrees.status', { taskId: task.id }),
          client.call('review.diff', { taskId: task.id }).catch(() => null),
          client.call('review.pushAvailability', { taskId: task.id }),
        ]);
        show({ worktree, root, state, diff, push, saved });
      } catch (error) {
        // The worktree went while it was read (a merge that finishes the task removes it): read once more.
        if (again && error instanceof RpcError && error.code === 'NOT_FOUND') return read(false);
        throw error;
      }
    };
    return read(true);
  }, [client, task.id, task.projectId]);

  // Read again whenever the task moves (an agent's turn ends, a merge lands): its worktree may have changed.
  useEffect(() => {
    // The first load is a call to the main side like any event that follows: state is set when it answers.
    queueMicrotask(() => void load().catch(reportError));
    const offChanged = client.on('worktree.changed', (change) => {
      if (change.worktree.taskId === task.id) void load().catch(reportError);
    });
    const offProgress = client.on('worktree.progress', (p) => {
      if (p.taskId !== task.id) return;
      const line = p.state === 'output' ? (p.output ?? '') : `[${p.phase}] ${p.message}\n`;
      setProgress((lines) => [...lines, line].slice(-PROGRESS_LINES));
    });
    return () => {
      offChanged();
      offProgress();
    };
  }, [client, load, task.id, task.status]);

  const act = async (label: string, fn: () => Promise<unknown>) => {
    setBusy(label);
    try {
      await fn();
      await load();
    } catch (error) {
      // A conflict is not a failure to report but a state with ways out: it is shown with its files.
      const files = error instanceof RpcError && error.code === 'CONFLICT' ? error.details?.files : undefined;
      if (Array.isArray(files) && files.length > 0) setConflict({ message: (error as RpcError).message, files: files.map(String), head: loaded?.state?.head ?? null });
      else reportError(error);
    } finally {
      setBusy(null);
    }
  };

  const merge = (strategy: 'merge' | 'squash') =>
    act(strategy === 'squash' ? 'Squash' : 'Merge', async () => {
      const result = await client.call('review.merge', { taskId: task.id, strategy, finish });
      const words = mergeWords(result, strategy);
      showNews(words);
      setLanded(result.removed ? `${words}. ${task.title} is done and its worktree removed.` : null);
      setMerged(result.removed ? null : `${words}.`);
      setConflict(null);
    });

  /** Remove or archive: asks before saving unsaved work (WORKTREE_DIRTY) and going on. */
  const dropCheckout = (method: 'worktrees.remove' | 'worktrees.archive', verb: string) =>
    act(verb, async () => {
      try {
        await client.call(method, { taskId: task.id });
      } catch (error) {
        if (!(error instanceof RpcError) || error.code !== 'WORKTREE_DIRTY') throw error;
        if (!confirm(`${error.message}\n\nSave that work under refs/switchyard/saved/ and ${verb.toLowerCase()} anyway?`)) return;
        await client.call(method, { taskId: task.id, force: true });
      }
    });

  const worktree = loaded?.worktree ?? null;
  const state = loaded?.state ?? null;
  // A conflict seen at another head is over: the branch moved on (the agent concluded the merge), and it is not shown.
  const current = conflict && (state === null || state.head === conflict.head || state.conflicts.length > 0) ? conflict : null;
  const active = worktree?.status === 'active' && state?.exists === true;
  const branchMode = worktree?.mode === 'worktree';

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <section ref={dialogRef} className="dialog review" role="dialog" aria-modal="true" aria-label={`Worktree of ${task.title}`}>
        <h2>Worktree · {task.title}</h2>
        {landed ? (
          <p className="review-landed" role="status">
            {landed}
          </p>
        ) : !loaded ? (
          <p className="muted">Loading…</p>
        ) : (
          <div className="review-body">
            <aside className="review-side">
              <dl className="review-facts">
                <dt>Folder</dt>
                <dd data-testid="worktree-path">{worktree?.path ?? `none yet (worktrees live in ${loaded.root})`}</dd>
                <dt>Branch</dt>
                <dd data-testid="worktree-branch">{worktree?.branch ?? '—'}</dd>
                <dt>Base</dt>
                <dd>{worktree?.baseBranch ?? '—'}</dd>
                <dt>State</dt>
                <dd>{worktree ? `${worktree.status}${worktree.mode === 'repository' ? ' (in the repository)' : ''} · setup ${worktree.setup}` : 'no worktree'}</dd>
                {state && (
                  <>
                    <dt>Commits</dt>
                    <dd>
                      {state.ahead} ahead, {state.behind} behind
                    </dd>
                    <dt>Uncommitted</dt>
                    <dd>{state.dirty.length} files</dd>
                    {state.conflicts.length > 0 && (
                      <>
                        <dt>Conflicts</dt>
                        <dd>{state.conflicts.join(', ')}</dd>
                      </>
                    )}
                  </>
                )}
              </dl>

              {loaded.diff && (
                <ul className="review-files" aria-label="Changed files">
                  {loaded.diff.files.map((f) => (
                    <li key={f.path}>
                      <span className="status">{f.status}</span>
                      <span>{f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}</span>
                      {f.additions !== null && <span className="muted">+{f.additions} −{f.deletions}</span>}
                    </li>
                  ))}
                </ul>
              )}

              <div className="review-actions">
                {!worktree && (
                  <button type="button" className="primary" disabled={busy !== null} onClick={() => void act('Create', () => client.call('worktrees.create', { taskId: task.id }))}>
                    Create worktree
                  </button>
                )}
                {worktree && !active && (
                  <button type="button" className="primary" disabled={busy !== null} onClick={() => void act('Restore', () => client.call('worktrees.restore', { taskId: task.id }))}>
                    Restore checkout
                  </button>
                )}
              </div>

              {active && (
                <>
                  <label className="review-commit">
                    Commit message
                    <textarea rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />
                  </label>
                  <div className="review-actions">
                    <button type="button" disabled={busy !== null || message.trim() === '' || state.dirty.length === 0} onClick={() => void act('Commit', () => client.call('review.commit', { taskId: task.id, message }))}>
                      Commit
                    </button>
                    {branchMode && (
                      <>
                        <button type="button" disabled={busy !== null} onClick={() => void act('Rebase', () => client.call('review.rebase', { taskId: task.id }))}>
                          Rebase
                        </button>
                        <button type="button" className="primary" disabled={busy !== null || state.ahead === 0} onClick={() => void merge('merge')}>
                          Merge
                        </button>
                        <button type="button" disabled={busy !== null || state.ahead === 0} onClick={() => void merge('squash')}>
                          Squash
                        </button>
                        <button
                          type="button"
                          disabled={busy !== null || !loaded.push?.available}
                          title={loaded.push?.reason ?? 'Push the branch and open a pull request'}
                          onClick={() => void act('Pull request', async () => window.open((await client.call('review.openPullRequest', { taskId: task.id })).url, '_blank', 'noopener'))}
                        >
                          Open pull request
                        </button>
                      </>
                    )}
                  </div>
                  {branchMode && (
                    <label className="review-check">
                      <input type="checkbox" checked={finish} onChange={(e) => setFinish(e.target.checked)} />
                      After merging, mark the task done and remove its worktree
                    </label>
                  )}
                  {loaded.push && !loaded.push.available && <p className="muted">Pull request unavailable: {loaded.push.reason}</p>}
                </>
              )}

              {worktree && (
                <div className="review-actions">
                  {branchMode && active && (
                    <button type="button" disabled={busy !== null} onClick={() => void dropCheckout('worktrees.archive', 'Archive')}>
                      Archive
                    </button>
                  )}
                  <button type="button" className="danger" disabled={busy !== null} onClick={() => void dropCheckout('worktrees.remove', 'Remove')}>
                    Remove worktree
                  </button>
                </div>
              )}
              {loaded.saved.length > 0 && (
                <section aria-label="Saved changes">
                  <h3 className="review-subtitle">Saved changes</h3>
                  <ul className="review-files">
                    {loaded.saved.map((s) => (
                      <li key={s.ref}>
                        <span title={s.ref}>
                          {new Date(s.createdAt).toLocaleString()} · before {s.reason}
                        </span>
                        <button
                          type="button"
                          disabled={busy !== null}
                          onClick={() => void act('Restore saved', () => client.call('worktrees.restoreSaved', { projectId: task.projectId, ref: s.ref }))}
                        >
                          Restore
                        </button>
                      </li>
                    ))}
                  </ul>
                </section>
              )}
              {(current ?? (state && state.conflicts.length > 0)) && (
                <ConflictPanel task={task} conflict={current ?? { message: null, files: state?.conflicts ?? [] }} busy={busy !== null} act={act} />
              )}
              {merged && (
                <p className="review-merged" role="status">
                  {merged}
                </p>
              )}
              {busy && <p className="muted">{busy}…</p>}
              {progress.length > 0 && <pre className="review-progress" aria-label="Setup progress">{progress.join('')}</pre>}
            </aside>
            <div className="review-main">{loaded.diff ? <DiffViewer patch={loaded.diff.patch} truncated={loaded.diff.truncated} /> : <p className="muted">No checkout to diff.</p>}</div>
          </div>
        )}
        <div className="dialog-actions">
          {!landed && (
            <button type="button" disabled={busy !== null} onClick={() => void act('Refresh', async () => undefined)}>
              Refresh
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </section>
    </div>
  );
}
