import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Task } from '../../../shared/contract';
import { useTerminals } from '../terminals/terminalsContext';
import { AGENT_LABELS } from './columns';

export interface CardLinks {
  /** Dependencies not done yet, named as the plan names them. */
  waitsFor: string[];
  /** How many tasks wait for this one. */
  blocks: number;
  critical: boolean;
}

export function TaskCardBody({ task, links }: { task: Task; links?: CardLinks | undefined }) {
  return (
    <>
      <span className="card-title">{task.title}</span>
      <span className="card-meta">
        <span className="chip">{AGENT_LABELS[task.agentKind] ?? task.agentKind}</span>
        {task.priority !== 'normal' && <span className="chip">{task.priority}</span>}
        {task.phase && <span className="chip">{task.phase}</span>}
        {links && links.waitsFor.length > 0 && (
          <span className="chip waits" title={`Waits for: ${links.waitsFor.join(', ')}`}>
            waits for {links.waitsFor.length > 3 ? `${links.waitsFor.length} tasks` : links.waitsFor.join(', ')}
          </span>
        )}
        {links && links.blocks > 0 && <span className="chip">blocks {links.blocks}</span>}
        {links?.critical && <span className="chip critical" title="On the critical path">critical</span>}
      </span>
    </>
  );
}

/**
 * A card that can be dragged to reorder it or to move it to another column (mouse or keyboard),
 * with the button that starts its agent or opens its running session.
 */
export function TaskCard({ task, links, onOpen }: { task: Task; links?: CardLinks | undefined; onOpen: () => void }) {
  const { openTask } = useTerminals();
  const running = task.status === 'running' || task.status === 'needs_input';
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    data: { status: task.status },
  });
  return (
    <div
      ref={setNodeRef}
      className={`card-wrap${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <button type="button" className={`card priority-${task.priority}`} onClick={onOpen} data-task-id={task.id} {...attributes} {...listeners}>
        <TaskCardBody task={task} links={links} />
      </button>
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
