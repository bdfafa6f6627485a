import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Task } from '../../../shared/contract';
import { AGENT_LABELS } from './columns';

export function TaskCardBody({ task }: { task: Task }) {
  return (
    <>
      <span className="card-title">{task.title}</span>
      <span className="card-meta">
        <span className="chip">{AGENT_LABELS[task.agentKind] ?? task.agentKind}</span>
        {task.priority !== 'normal' && <span className="chip">{task.priority}</span>}
        {task.phase && <span className="chip">{task.phase}</span>}
      </span>
    </>
  );
}

/** A card that can be dragged to reorder it or to move it to another column (mouse or keyboard). */
export function TaskCard({ task, onOpen }: { task: Task; onOpen: () => void }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    data: { status: task.status },
  });
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={`card priority-${task.priority}${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      onClick={onOpen}
      data-task-id={task.id}
      {...attributes}
      {...listeners}
    >
      <TaskCardBody task={task} />
    </button>
  );
}
