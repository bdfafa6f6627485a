import { useAppStore } from '../../stores/appStore';
import { ReasonPanel } from '../board/ReasonPanel';
import { TaskUsagePanel } from '../usage/TaskUsagePanel';
import { cardAction } from '../board/liveness';
import { TerminalPane } from './TerminalPane';
import { TranscriptPanel } from './TranscriptPanel';
import { useSessionStore } from './sessionStore';
import { useTerminals } from './terminalsContext';

/** One task beside its session's pane. */
export function TaskSessionView({ taskId }: { taskId: string }) {
  const { start, resumeTask } = useTerminals();
  const task = useAppStore((s) => s.tasks.find((t) => t.id === taskId));
  const sessionId = useSessionStore((s) => {
    const ofTask = Object.values(s.sessions).filter((session) => session.taskId === taskId);
    return ofTask.sort((a, b) => b.startedAt - a.startedAt)[0]?.id ?? null;
  });
  const running = useSessionStore((s) => (sessionId ? s.sessions[sessionId]?.endedAt === null : false));
  const resumable = useSessionStore((s) => {
    const session = sessionId ? s.sessions[sessionId] : undefined;
    return session !== undefined && task !== undefined && cardAction(task, { session, latest: null }) === 'resume';
  });
  if (!task) return null;
  return (
    <section className="task-session" aria-label={`Task ${task.title}`}>
      <aside className="task-session-details">
        <button type="button" className="danger-link" onClick={() => useSessionStore.setState({ taskView: null })}>
          ← Board
        </button>
        <h2>{task.title}</h2>
        <p className="muted">
          {task.agentKind} · {task.status} · {task.priority}
        </p>
        <ReasonPanel task={task} />
        <TaskUsagePanel taskId={task.id} />
        <pre className="task-prompt">{task.prompt || 'No prompt.'}</pre>
        {resumable && sessionId && (
          <button type="button" className="primary" onClick={() => void resumeTask(task.id, sessionId)}>
            Resume
          </button>
        )}
        {!running && (
          <button type="button" className={resumable ? '' : 'primary'} onClick={() => void start(task.id)}>
            Start session
          </button>
        )}
        {sessionId && <TranscriptPanel key={sessionId} sessionId={sessionId} />}
      </aside>
      <div className="task-session-terminal">
        {sessionId ? <TerminalPane sessionId={sessionId} focused /> : <p className="muted">No session yet.</p>}
      </div>
    </section>
  );
}
