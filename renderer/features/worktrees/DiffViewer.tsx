import { useMemo } from 'react';
import { Diff, Hunk, parseDiff, type FileData } from 'react-diff-view';
import 'react-diff-view/style/index.css';

function fileName(file: FileData): string {
  if (file.type === 'delete') return file.oldPath;
  if (file.type === 'rename' || file.type === 'copy') return `${file.oldPath} → ${file.newPath}`;
  return file.newPath;
}

/** git's unified diff, parsed by react-diff-view and shown file by file. */
export function DiffViewer({ patch, truncated }: { patch: string; truncated: boolean }) {
  const files = useMemo(() => (patch.trim() === '' ? [] : parseDiff(patch, { nearbySequences: 'zip' })), [patch]);
  if (files.length === 0) return <p className="muted">No changes against the base.</p>;
  return (
    <div className="diff-files">
      {files.map((file) => (
        <section key={`${file.oldRevision}-${file.newRevision}-${fileName(file)}`} className="diff-file" aria-label={`Diff of ${fileName(file)}`}>
          <header className="diff-file-name">
            <span className={`chip diff-kind-${file.type}`}>{file.type}</span> {fileName(file)}
          </header>
          {file.hunks.length === 0 ? (
            <p className="muted">Binary file, or only its mode changed.</p>
          ) : (
            <Diff viewType="unified" diffType={file.type} hunks={file.hunks}>
              {(hunks) => hunks.map((hunk) => <Hunk key={hunk.content} hunk={hunk} />)}
            </Diff>
          )}
        </section>
      ))}
      {truncated && <p className="muted">The diff is too large to show in full; the rest is cut off.</p>}
    </div>
  );
}
