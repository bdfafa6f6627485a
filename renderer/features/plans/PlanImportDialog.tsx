import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { AGENT_KINDS, type AgentKind, type ParsedPlan, type PlanEdits, type PlanImportResult } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { useDialogFocus } from '../../components/useDialogFocus';
import { RpcError } from '../../rpc/client';
import { useActions } from '../../stores/actionsContext';
import { reportError } from '../../stores/appStore';
import { AGENT_LABELS } from '../board/columns';
import { checkPlanText, carriedPlan, readPlanFile, severalFilesNote, sourceOf, type PlanText } from './planInput';
import { derivedLabel, editTask, emptyEdits, FORMAT_NAMES, parseKeys, summary, toggleDerived, toggleExcluded, withEdits } from './planEditsModel';

/** Height of one task row in the preview (px); rows are virtualised for plans of thousands of tasks. */
const ROW_HEIGHT = 38;

interface Loaded extends PlanText {
  plan: ParsedPlan;
  /** The orders derived from the plan as first read: each stays listed when dropped, to be taken back. */
  derived: ParsedPlan['derived'];
}

/** What went wrong taking a plan in, said in the dialog beside what the user did. */
interface Problem {
  code: string;
  message: string;
}

function problemOf(error: unknown): Problem {
  if (error instanceof SwitchyardError || error instanceof RpcError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** Input types whose paste goes into the field itself: anywhere else, a paste in the dialog is a plan. */
const NON_TEXT_INPUTS = new Set(['file', 'checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color']);

function takesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}

/** Paste, drop or pick a plan, see what was found and what was not understood, fix it, import it. */
export function PlanImportDialog({ projectId, initialFiles, onClose }: { projectId: string; initialFiles?: File[]; onClose: () => void }) {
  const { client } = useActions();
  const dialogRef = useDialogFocus<HTMLDivElement>(onClose);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [edits, setEdits] = useState<PlanEdits>(emptyEdits);
  const [busy, setBusy] = useState(initialFiles !== undefined);
  const [result, setResult] = useState<PlanImportResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  /** Said when several files came at once: which one is the plan. */
  const [filesNote, setFilesNote] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [dropping, setDropping] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);

  /** Previews a plan the same way whether it was pasted, dropped or picked. */
  const preview = async (take: () => Promise<PlanText>) => {
    setProblem(null);
    setBusy(true);
    try {
      const source = await take();
      const plan = await client.call('plans.preview', { projectId, ...source });
      setResult(null);
      setLoaded({ ...source, plan, derived: plan.derived });
      setEdits(emptyEdits());
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  const readFile = (file: File) => preview(() => readPlanFile(file));
  const readFiles = (files: File[]) => {
    setFilesNote(severalFilesNote(files));
    if (files[0]) void readFile(files[0]);
  };
  const readText = (content: string) =>
    preview(() => {
      checkPlanText(content);
      return Promise.resolve({ content });
    });
  const readPasted = (carried: File[] | string) => {
    if (typeof carried === 'string') {
      setFilesNote(null);
      void readText(carried);
    } else readFiles(carried);
  };

  // A file dropped on the board opens the dialog with it.
  useEffect(() => {
    if (initialFiles) readFiles(initialFiles);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- read once, for the files the dialog opened with
  }, [initialFiles]);

  const recheck = async (next: PlanEdits = edits) => {
    if (!loaded) return;
    setEdits(next);
    setBusy(true);
    try {
      const plan = await client.call('plans.preview', { ...sourceOf(loaded), projectId, edits: next });
      setLoaded({ ...loaded, plan });
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  const importPlan = async () => {
    if (!loaded) return;
    setBusy(true);
    try {
      setResult(await client.call('plans.import', { ...sourceOf(loaded), projectId, edits }));
      setFilesNote(null);
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  };

  // A drop on the dialog is the dialog's: the board below it would open it again with the file.
  const onDragOver = (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    setDropping(event.dataTransfer.types.includes('Files'));
  };
  const onDragLeave = (event: DragEvent) => {
    if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDropping(false);
  };
  const onDrop = (event: DragEvent) => {
    event.stopPropagation();
    setDropping(false);
    const dropped = carriedPlan(event.dataTransfer);
    // Text dropped into a text field is that field's; anywhere else, dropped text is a plan too.
    if (dropped === null || (typeof dropped === 'string' && takesText(event.target))) return;
    event.preventDefault();
    // One plan is read at a time: a drop while one is read would race it for the preview.
    if (busy) return;
    readPasted(dropped);
  };
  // Before a plan is shown, a paste anywhere in the dialog but a text field is the plan.
  const onPaste = (event: ClipboardEvent) => {
    if (loaded || busy || takesText(event.target)) return;
    const pasted = carriedPlan(event.clipboardData);
    if (pasted === null) return;
    event.preventDefault();
    readPasted(pasted);
  };
  // Pasted into the empty box, a plan is previewed at once; typed text waits for Preview.
  const onPasteText = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (typed.trim() !== '' || busy) return;
    const pasted = carriedPlan(event.clipboardData);
    if (pasted === null) return;
    event.preventDefault();
    event.stopPropagation();
    if (typeof pasted === 'string') setTyped(pasted);
    readPasted(pasted);
  };

  const tasks = loaded?.plan.tasks ?? [];
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs say
  const rows = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className={`dialog plan-import${dropping ? ' dropping' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label="Import a plan"
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        onPaste={onPaste}
      >
        <h2>Import a plan</h2>
        {!loaded && (
          <div className="plan-sources">
            <label className="dropzone">
              <span>Drop a plan file (markdown or text) or its text here, or choose a file.</span>
              <input type="file" aria-label="Plan file" accept=".md,.markdown,.txt,text/*" onChange={(e) => e.target.files && readFiles([...e.target.files])} />
            </label>
            <label className="plan-paste">
              <span>Or paste a plan</span>
              <textarea
                aria-label="Plan text"
                placeholder="Paste the plan's text here (Ctrl+V)"
                rows={8}
                value={typed}
                data-autofocus
                onChange={(e) => setTyped(e.target.value)}
                onPaste={onPasteText}
              />
            </label>
            <div className="dialog-actions">
              <span className="spacer" />
              <button type="button" disabled={busy || typed.trim() === ''} onClick={() => void readText(typed)}>
                Preview text
              </button>
            </div>
          </div>
        )}
        {filesNote && (
          <p className="plan-files-note" role="status">
            {filesNote}
          </p>
        )}
        {problem && (
          <p className="plan-problem" role="alert" data-code={problem.code}>
            <span className="notice-code">{problem.code}</span> {problem.message}
          </p>
        )}
        {busy && <p className="muted">Reading…</p>}
        {loaded && (
          <>
            <p className="plan-summary">
              <strong>{loaded.plan.title ?? loaded.fileName ?? 'Pasted plan'}</strong> — {summary(loaded.plan, edits)}
            </p>
            {loaded.plan.cycles.length > 0 && (
              <p className="plan-problem" role="alert">
                Dependency loop: {loaded.plan.cycles.map((c) => c.join(' → ')).join('; ')}. Fix a dependency below before importing.
              </p>
            )}
            <p className="plan-format muted small" data-format={loaded.plan.format}>
              Read as {FORMAT_NAMES[loaded.plan.format]}.
            </p>
            {(loaded.plan.unorderedPhases || edits.phasesInOrder) && (
              <p className="plan-order">
                {edits.phasesInOrder ? 'Each phase waits for the one before it. ' : 'The plan does not say in which order its phases run: they may all start at once. '}
                <button type="button" disabled={busy} onClick={() => void recheck({ ...edits, phasesInOrder: !edits.phasesInOrder })}>
                  {edits.phasesInOrder ? 'Let phases run at once' : 'Run phases in order'}
                </button>
              </p>
            )}
            {loaded.derived.length > 0 && (
              <details className="plan-derived" open={loaded.derived.length <= 12}>
                <summary>
                  {loaded.derived.length - edits.dropDerived.length} of {loaded.derived.length} dependencies come from the plan&apos;s words, not from its tasks
                </summary>
                <ul>
                  {loaded.derived.map((d) => (
                    <li key={d.id} data-derived={d.id}>
                      <label>
                        <input type="checkbox" aria-label={`Keep: ${derivedLabel(d)}`} checked={!edits.dropDerived.includes(d.id)} disabled={busy} onChange={() => void recheck(toggleDerived(edits, d.id))} />{' '}
                        <strong>{derivedLabel(d)}</strong>
                      </label>{' '}
                      <span className="muted small">
                        {d.line !== undefined && <code>line {d.line}</code>} “{d.because}”
                      </span>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            {loaded.plan.warnings.length > 0 && (
              <details className="plan-warnings">
                <summary>{loaded.plan.warnings.length} things were not understood or were guessed</summary>
                <ul>
                  {loaded.plan.warnings.map((w, i) => (
                    <li key={i}>
                      {w.line !== undefined && <code>line {w.line}</code>} {w.message}
                    </li>
                  ))}
                </ul>
              </details>
            )}
            <div className="plan-head plan-row">
              <span>Import</span>
              <span>Id</span>
              <span>Title</span>
              <span>Phase</span>
              <span>Agent</span>
              <span>Depends on</span>
              <span>Done</span>
            </div>
            <div ref={scrollRef} className="plan-rows">
              <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
                {rows.getVirtualItems().map((row) => {
                  const original = tasks[row.index]!;
                  const task = withEdits(original, edits);
                  const excluded = edits.exclude.includes(task.key);
                  const missingAgent = task.agent !== null && loaded.plan.missingAgents.includes(task.agent);
                  return (
                    <div
                      key={task.key}
                      className={`plan-row${excluded ? ' excluded' : ''}`}
                      data-key={task.key}
                      style={{ position: 'absolute', top: 0, transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
                    >
                      <input type="checkbox" aria-label={`Import ${task.key}`} checked={!excluded} onChange={() => setEdits(toggleExcluded(edits, task.key))} />
                      <code className="plan-key" title={task.key}>
                        {task.key}
                      </code>
                      <input aria-label={`Title of ${task.key}`} value={task.title} title={task.prompt} onChange={(e) => setEdits(editTask(edits, original, 'title', e.target.value))} />
                      <span className="plan-phase muted small" title={task.phase ?? undefined}>
                        {task.phase ?? ''}
                      </span>
                      <span className="plan-agent">
                      <select
                        aria-label={`Agent of ${task.key}`}
                        value={task.agent ?? ''}
                        onChange={(e) => setEdits(editTask(edits, original, 'agent', (e.target.value || null) as AgentKind | null))}
                      >
                        <option value="">{task.agentLabel ? `${task.agentLabel} (unknown)` : 'Project default'}</option>
                        {AGENT_KINDS.map((k) => (
                          <option key={k} value={k}>
                            {AGENT_LABELS[k]}
                          </option>
                        ))}
                      </select>
                      {missingAgent && (
                        <span className="chip warn" title={`${AGENT_LABELS[task.agent!] ?? task.agent} is not installed here: this task cannot start until it is`}>
                          not installed
                        </span>
                      )}
                      </span>
                      {/* Edited as free text until it loses focus; a new value from a new plan or a check remounts it. */}
                      <input
                        key={task.dependsOn.join(', ')}
                        aria-label={`Dependencies of ${task.key}`}
                        defaultValue={task.dependsOn.join(', ')}
                        onBlur={(e) => setEdits(editTask(edits, original, 'dependsOn', parseKeys(e.target.value)))}
                      />
                      <input type="checkbox" aria-label={`${task.key} is done`} checked={task.done} onChange={(e) => setEdits(editTask(edits, original, 'done', e.target.checked))} />
                    </div>
                  );
                })}
              </div>
            </div>
          </>
        )}
        {result && (
          <p className="plan-result" role="status">
            Imported: {result.created} new, {result.updated} updated, {result.unchanged} unchanged
            {result.notInPlan > 0 && `, ${result.notInPlan} no longer in the plan (kept)`} · {result.edges} dependencies.
          </p>
        )}
        {result && result.keptTasks.length > 0 && (
          <div className="plan-kept" role="note" aria-label="Started tasks kept as they run">
            <p>Started tasks keep what they run with; the plan now says otherwise for:</p>
            <ul>
              {result.keptTasks.map((t) => (
                <li key={t.id}>
                  {t.key} {t.title} ({t.status}): {t.fields.join(', ')}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="dialog-actions">
          {loaded && (
            <button type="button" onClick={() => setLoaded(null)}>
              Another plan
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            {result ? 'Close' : 'Cancel'}
          </button>
          {loaded && !result && (
            <>
              <button type="button" disabled={busy} onClick={() => void recheck(edits)}>
                Check again
              </button>
              <button type="button" className="primary" disabled={busy} onClick={() => void importPlan()}>
                Import {loaded.plan.tasks.length - edits.exclude.length} tasks
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
