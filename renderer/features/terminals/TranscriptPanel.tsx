import { useState, type FormEvent } from 'react';
import type { OutputOf } from '../../../shared/contract';
import { reportError } from '../../stores/appStore';
import { useTerminals } from './terminalsContext';

type Matches = OutputOf<'transcript.search'>;

/** Searches a session's whole transcript and exports it as plain text or raw bytes. */
export function TranscriptPanel({ sessionId }: { sessionId: string }) {
  const { client } = useTerminals();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Matches | null>(null);

  const search = (event: FormEvent) => {
    event.preventDefault();
    if (!query.trim()) return;
    client.call('transcript.search', { sessionId, query, context: 1, limit: 50 }).then(setFound, reportError);
  };

  const download = (format: 'text' | 'raw') => {
    client.call('transcript.export', { sessionId, format }).then(({ data }) => {
      const url = URL.createObjectURL(new Blob([data], { type: 'text/plain' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `session-${sessionId.slice(0, 8)}.${format === 'raw' ? 'ansi' : 'txt'}`;
      link.click();
      URL.revokeObjectURL(url);
    }, reportError);
  };

  return (
    <section className="transcript" aria-label="Transcript">
      <form onSubmit={search} className="transcript-search">
        <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search the transcript" aria-label="Search the transcript" />
        <button type="submit">Search</button>
      </form>
      {found && (
        <ol className="transcript-matches">
          {found.matches.length === 0 && <li className="muted">No match.</li>}
          {found.matches.map((match) => (
            <li key={match.line} title={[...match.before, match.text, ...match.after].join('\n')}>
              <span className="muted">{match.line}:</span> {match.text}
            </li>
          ))}
          {found.truncated && <li className="muted">More matches not shown.</li>}
        </ol>
      )}
      <div className="transcript-export">
        <button type="button" onClick={() => download('text')}>
          Export text
        </button>
        <button type="button" onClick={() => download('raw')}>
          Export raw
        </button>
      </div>
    </section>
  );
}
