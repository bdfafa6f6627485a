import { useMemo, useState } from 'react';
import type { Task, TaskStatus } from '../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { useActions } from '../../stores/actionsContext';
import { useAppStore } from '../../stores/appStore';
import { useTerminals } from '../terminals/terminalsContext';
import { AGENT_LABELS, COLUMNS } from './columns';
import { TaskEditor, type EditorTarget } from './TaskEditor';

function TaskCard({ task, onOpen }: { task: Task; onOpen: () => void }) {
  const { openTask } = useTerminals();
  const running = task.status === 'running' || task.status === 'needs_input';
  return (
    <div className="card-wrap">
      <TaskCardBody task={task} onOpen={onOpen} />
      <button
        type="button"
        className="card-session"
        onClick={() => void openTask(task.id, !running)}
        aria-label={running ? `Open the session of ${task.title}` : `Start a session for ${task.title}`}
      >
        {running ? 'Open session' : 'Start'}
      </button>
    </div>
  );
}

function TaskCardBody({ task, onOpen }: { task: Task; onOpen: () => void }) {
  return (
    <button type="button" className={`card priority-${task.priority}`} onClick={onOpen} data-task-id={task.id}>
      <span className="card-title">{task.title}</span>
      <span className="card-meta">
        <span className="chip">{AGENT_LABELS[task.agentKind] ?? task.agentKind}</span>
        {task.priority !== 'normal' && <span className="chip">{task.priority}</span>}
        {task.phase && <span className="chip">{task.phase}</span>}
      </span>
    </button>
  );
}

export function Board() {
  const actions = useActions();
  const project = useAppStore((s) => s.projects.find((p) => p.id === s.selectedProjectId) ?? null);
  const tasks = useAppStore((s) => s.tasks);
  const [editing, setEditing] = useState<EditorTarget | null>(null);
  const byStatus = useMemo(() => {
    const groups = new Map<TaskStatus, Task[]>(COLUMNS.map((c) => [c.status, []]));
    for (const task of tasks) groups.get(task.status)?.push(task);
    return groups;
  }, [tasks]);

  if (!project) {
    return (
      <EmptyState title="Add a repository to start">
        <p>Switchyard runs each task as an agent in its own worktree of a git repository.</p>
      </EmptyState>
    );
  }

  return (
    <section className="board-area" aria-label={`Tasks of ${project.name}`}>
      <header className="board-header">
        <div>
          <h2>{project.name}</h2>
          <span className="muted">{project.path}</span>
        </div>
        <div className="board-actions">
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'new', status: 'backlog' })}>
            New task
          </button>
          <button
            type="button"
            className="danger-link"
            onClick={() => {
              if (confirm(`Forget the project "${project.name}"? The repository on disk is not touched.`))
                void actions.removeProject(project.id);
            }}
          >
            Remove project
          </button>
        </div>
      </header>
      {tasks.length === 0 && <p className="muted board-empty">No tasks yet. Create one with “New task”.</p>}
      <div className="board">
        {COLUMNS.map((column) => {
          const items = byStatus.get(column.status) ?? [];
          return (
            <section key={column.status} className="column" aria-label={column.title} data-status={column.status}>
              <h3 className="column-title">
                {column.title} <span className="count">{items.length}</span>
              </h3>
              <div className="column-body">
                {items.map((task) => (
                  <TaskCard key={task.id} task={task} onOpen={() => setEditing({ kind: 'edit', task })} />
                ))}
              </div>
            </section>
          );
        })}
      </div>
      {editing && <TaskEditor projectId={project.id} target={editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
