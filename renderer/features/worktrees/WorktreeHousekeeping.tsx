import { useCallback, useEffect, useState } from 'react';
import type { Orphan, Project, Worktree } from '../../../shared/contract';
import { useDialogFocus } from '../../components/useDialogFocus';
import { RpcError } from '../../rpc/client';
import { useActions } from '../../stores/actionsContext';
import { reportError, useAppStore } from '../../stores/appStore';
import './worktrees.css';

/**
 * A project's worktrees: where they live, which exist, and the orphans (a worktree no task owns, a
 * task whose worktree is gone, a stray folder), each with what can be done about it.
 */
export function WorktreeHousekeeping({ project, onClose }: { project: Project; onClose: () => void }) {
  const { client } = useActions();
  const dialogRef = useDialogFocus<HTMLElement>(onClose);
  const tasks = useAppStore((s) => s.tasks);
  const [root, setRoot] = useState('');
  const [worktrees, setWorktrees] = useState<Worktree[]>([]);
  const [orphans, setOrphans] = useState<Orphan[] | null>(null);
  const [owner, setOwner] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const [{ path }, list, found] = await Promise.all([
      client.call('worktrees.root', { projectId: project.id }),
      client.call('worktrees.list', { projectId: project.id }),
      client.call('worktrees.orphans', { projectId: project.id }),
    ]);
    setRoot(path);
    setWorktrees(list);
    setOrphans(found);
  }, [client, project.id]);

  useEffect(() => {
    queueMicrotask(() => load().catch(reportError));
    const off = client.on('worktree.changed', (change) => {
      if (change.worktree.projectId === project.id) load().catch(reportError);
    });
    return off;
  }, [client, load, project.id]);

  const act = (fn: () => Promise<unknown>) => fn().then(load).catch(reportError);

  const clean = (orphan: Orphan) =>
    act(async () => {
      try {
        await client.call('worktrees.clean', { projectId: project.id, path: orphan.path });
      } catch (error) {
        if (!(error instanceof RpcError) || error.code !== 'WORKTREE_DIRTY') throw error;
        if (!confirm(`${error.message}\n\nGo on?`)) return;
        await client.call('worktrees.clean', { projectId: project.id, path: orphan.path, force: true });
      }
    });

  const title = (taskId: string) => tasks.find((t) => t.id === taskId)?.title ?? taskId;
  const free = tasks.filter((t) => !worktrees.some((w) => w.taskId === t.id));

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <section ref={dialogRef} className="dialog housekeeping" role="dialog" aria-modal="true" aria-label={`Worktrees of ${project.name}`}>
        <h2>Worktrees · {project.name}</h2>
        <p className="muted">
          They live in <code data-testid="worktree-root">{root || '…'}</code> (setting “Worktree folder”).
        </p>
        <ul className="review-files" aria-label="Worktrees">
          {worktrees.map((w) => (
            <li key={w.id}>
              <span className="chip">{w.status}</span> {w.branch} · {title(w.taskId)} <span className="muted">{w.path}</span>
            </li>
          ))}
          {worktrees.length === 0 && <li className="muted">No worktrees.</li>}
        </ul>
        <h3 className="review-subtitle">Orphans</h3>
        {orphans === null ? (
          <p className="muted">Looking…</p>
        ) : orphans.length === 0 ? (
          <p className="muted">None: every worktree belongs to a task, and every task's worktree is there.</p>
        ) : (
          <ul className="review-files" aria-label="Orphans">
            {orphans.map((o) => (
              <li key={`${o.kind}:${o.path}`}>
                <span className="chip">{o.kind}</span>
                <span>
                  {o.path} — {o.description}
                  {o.taskId ? ` (task “${title(o.taskId)}”)` : ''}
                </span>
                {o.insideRoot && o.kind === 'unowned' && (
                  <select aria-label="Task to adopt it" value={owner[o.path] ?? ''} onChange={(e) => setOwner({ ...owner, [o.path]: e.target.value })}>
                    <option value="">Adopt for…</option>
                    {free.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.title}
                      </option>
                    ))}
                  </select>
                )}
                {o.insideRoot && (o.kind === 'missing' || (o.kind === 'unowned' && owner[o.path])) && (
                  <button type="button" onClick={() => void act(() => client.call('worktrees.adopt', { projectId: project.id, path: o.path, ...(owner[o.path] ? { taskId: owner[o.path] } : {}) }))}>
                    {o.kind === 'missing' ? 'Check out again' : 'Adopt'}
                  </button>
                )}
                {(o.insideRoot || o.kind === 'missing' || o.kind === 'stale') && (
                  <button type="button" className="danger" onClick={() => void clean(o)}>
                    Clean
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => void act(() => client.call('worktrees.prune', { projectId: project.id }))}>
            Prune stale entries
          </button>
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </section>
    </div>
  );
}
