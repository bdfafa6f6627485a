import { useEffect, useState } from 'react';
import type { CacheList, CacheProgress, CacheStrategyChoice, CacheVerifyResult, Project } from '../../../shared/contract';
import { formatAge, formatBytes } from '../../../shared/formatCache';
import { useActions } from '../../stores/actionsContext';
import { reportError } from '../../stores/appStore';

/** Characters of a key shown: enough to tell entries apart and to name one in `switchyard cache evict`. */
const SHOWN_KEY_LENGTH = 12;

const OPERATION_LABEL: Record<CacheProgress['operation'], string> = { verify: 'Verifying', evict: 'Evicting', clear: 'Clearing' };

function StrategyInUse({ project, settingsVersion }: { project: Project | null; settingsVersion: number }) {
  const { client } = useActions();
  const [choice, setChoice] = useState<{ projectId: string; choice: CacheStrategyChoice } | null>(null);
  const projectId = project?.id;
  useEffect(() => {
    if (!projectId) return;
    let current = true;
    client
      .call('cache.strategy', { projectId })
      .then((answer) => current && setChoice({ projectId, choice: answer }))
      .catch(reportError);
    return () => {
      current = false;
    };
  }, [client, projectId, settingsVersion]);
  if (!project) return <p className="muted">Select a project to see the strategy its worktrees get.</p>;
  const shown = choice?.projectId === project.id ? choice.choice : null;
  return (
    <p className="cache-strategy" aria-label="Strategy in use">
      Strategy for {project.name}: <strong>{shown ? (shown.strategy ?? 'off') : '…'}</strong>
      {shown && <span className="muted small"> — {shown.reason}</span>}
    </p>
  );
}

/** Settings → Cache: the strategy in use and why, the entries, and verify, evict and clear with their progress. */
export function CachePage({ project, settingsVersion }: { project: Project | null; settingsVersion: number }) {
  const { client } = useActions();
  // With the time it was fetched: the ages it shows are counted from then.
  const [fetched, setFetched] = useState<{ list: CacheList; at: number } | null>(null);
  const [version, setVersion] = useState(0);
  const [progress, setProgress] = useState<CacheProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    client
      .call('cache.list', {})
      .then((answer) => current && setFetched({ list: answer, at: Date.now() }))
      .catch(reportError);
    return () => {
      current = false;
    };
  }, [client, version, settingsVersion]);
  useEffect(() => {
    const offChanged = client.on('cache.changed', () => setVersion((v) => v + 1));
    const offProgress = client.on('cache.progress', setProgress);
    return () => {
      offChanged();
      offProgress();
    };
  }, [client]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
      setProgress(null);
      setVersion((v) => v + 1);
    }
  };
  const verified = (results: CacheVerifyResult[]) => {
    const changed = results.filter((r) => !r.ok);
    if (changed.length === 0) return `${results.length} verified, none changed`;
    return `${results.length} verified; changed and evicted: ${changed.map((r) => `${r.key.slice(0, SHOWN_KEY_LENGTH)} (${r.problem})`).join('; ')}`;
  };
  const verify = (keys?: string[]) => run(async () => verified(await client.call('cache.verify', keys ? { keys } : {})));
  const evict = (key: string) => run(async () => `evicted ${(await client.call('cache.evict', { keys: [key] })).evicted.length}`);
  const clear = () => run(async () => `removed ${(await client.call('cache.clear', {})).removed}`);
  const list = fetched?.list;

  return (
    <section className="cache-page" aria-label="Dependency cache">
      <StrategyInUse project={project} settingsVersion={settingsVersion} />
      {list && (
        <p className="muted small">
          {list.entries.length} entries, {formatBytes(list.totalBytes)} of {formatBytes(list.maxBytes)} in <code>{list.location}</code>
        </p>
      )}
      <div className="cache-actions">
        <button type="button" disabled={busy || !list?.entries.length} onClick={() => void verify()}>
          Verify all
        </button>
        <button type="button" disabled={busy || !list?.entries.length} onClick={() => void clear()}>
          Clear
        </button>
        {progress && busy && (
          <span role="status" className="cache-progress">
            {OPERATION_LABEL[progress.operation]} {progress.done}/{progress.total} <progress value={progress.done} max={Math.max(progress.total, 1)} />
          </span>
        )}
        {outcome && !busy && (
          <span role="status" className="muted small">
            {outcome}
          </span>
        )}
      </div>
      {list && list.entries.length > 0 ? (
        <table className="settings-table cache-entries" aria-label="Cache entries">
          <thead>
            <tr>
              <th>Entry</th>
              <th>Size</th>
              <th>Hits</th>
              <th>Last use</th>
              <th>Projects</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.entries.map((entry) => (
              <tr key={entry.key} data-entry={entry.key}>
                <td>
                  <div>
                    {entry.folder} {entry.pinned && <span className="source">pinned</span>}
                  </div>
                  <div className="muted small">
                    <code>{entry.key.slice(0, SHOWN_KEY_LENGTH)}</code> · {entry.lockfiles.join(', ')}
                  </div>
                </td>
                <td>{formatBytes(entry.sizeBytes)}</td>
                <td>{entry.hits}</td>
                <td>{formatAge(Math.max(0, fetched!.at - entry.lastUsedAt))}</td>
                <td>{entry.projects.join(', ')}</td>
                <td>
                  <button type="button" className="link" disabled={busy} onClick={() => void verify([entry.key])}>
                    verify
                  </button>{' '}
                  <button type="button" className="link" disabled={busy} onClick={() => void evict(entry.key)}>
                    evict
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        list && <p className="muted">No entries yet: the first worktree of a project with a lockfile stores its dependencies here after its setup script.</p>
      )}
    </section>
  );
}
