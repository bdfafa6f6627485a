import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { Task } from '../../../shared/contract';
import { CheckBadge } from '../checks/CheckBadge';
import { UsageChip } from '../usage/UsageChip';
import { useTerminals } from '../terminals/terminalsContext';
import { AGENT_LABELS } from './columns';
import { agentChip, cardAction, NO_AGENT } from './liveness';
import { cardReason, type AgentFacts } from './taskReason';

export interface CardLinks {
  /** Dependencies not done yet, named as the plan names them. */
  waitsFor: string[];
  /** How many tasks wait for this one. */
  blocks: number;
  critical: boolean;
}

/** The warning that the task's agent runs with every permission question answered yes. */
export function AllowAllBadge() {
  return (
    <span className="chip allow-all" title="Permission questions: all — the agent runs with its own skip-permissions flag">
      ⚠ allow all
    </span>
  );
}

export function TaskCardBody({
  task,
  links,
  agent = NO_AGENT,
  allowAll = false,
}: {
  task: Task;
  links?: CardLinks | undefined;
  agent?: AgentFacts;
  allowAll?: boolean;
}) {
  const reason = cardReason(task, agent);
  const chip = agentChip(agent);
  return (
    <>
      <span className="card-title">{task.title}</span>
      {reason && (
        <span className={`card-reason reason-${reason.tone}`} title={reason.text}>
          {reason.text}
        </span>
      )}
      <span className="card-meta">
        <span className="chip">{AGENT_LABELS[task.agentKind] ?? task.agentKind}</span>
        {chip && <span className={chip.live ? 'chip live' : 'chip'}>{chip.text}</span>}
        <CheckBadge taskId={task.id} />
        <UsageChip taskId={task.id} />
        {allowAll && <AllowAllBadge />}
        {task.priority !== 'normal' && <span className="chip">{task.priority}</span>}
        {task.phase && <span className="chip">{task.phase}</span>}
        {task.steps.length > 0 && (
          <span className="chip steps" title={task.steps.map((step) => `${step.done ? '☑' : '☐'} ${step.text}`).join('\n')}>
            {stepsDone(task.steps)}
          </span>
        )}
        {task.acceptance.length > 0 && (
          <span className="chip acceptance" title={`Done when:\n${task.acceptance.map((line) => `• ${line}`).join('\n')}`}>
            ✓ {task.acceptance.length}
          </span>
        )}
        {task.optional && <span className="chip">optional</span>}
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

const ACTION_WORDS = { open: 'Open', resume: 'Resume', start: 'Start' } as const;
const ACTION_LABELS = {
  open: (title: string) => `Open the session of ${title}`,
  resume: (title: string) => `Resume the agent of ${title}`,
  start: (title: string) => `Start a session for ${title}`,
} as const;

/**
 * A card that can be dragged to reorder it or to move it to another column (mouse or keyboard),
 * with the button that opens its live agent, resumes its ended one, or starts one, and in Review
 * the button that opens its diff and merge.
 */
export function TaskCard({
  task,
  links,
  agent,
  allowAll,
  onOpen,
  onReview,
}: {
  task: Task;
  links?: CardLinks | undefined;
  agent: AgentFacts;
  allowAll: boolean;
  onOpen: () => void;
  /** Opens the task's diff and merge: offered on cards in Review. */
  onReview: () => void;
}) {
  const { openTask, resumeTask } = useTerminals();
  const action = cardAction(task, agent);
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    data: { status: task.status },
  });
  const act = () => {
    if (action === 'resume' && agent.session) void resumeTask(task.id, agent.session.id);
    else void openTask(task.id, action === 'start');
  };
  return (
    <div
      ref={setNodeRef}
      className={`card-wrap${isDragging ? ' dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <button type="button" className={`card priority-${task.priority}`} onClick={onOpen} data-task-id={task.id} {...attributes} {...listeners}>
        <TaskCardBody task={task} links={links} agent={agent} allowAll={allowAll} />
      </button>
      <span className="card-actions">
        {task.status === 'review' && (
          <button type="button" className="card-session" onClick={onReview} aria-label={`Review the work of ${task.title}`} data-action="review">
            Review
          </button>
        )}
        <button type="button" className="card-session" onClick={act} aria-label={ACTION_LABELS[action](task.title)} data-action={action}>
          {ACTION_WORDS[action]}
        </button>
      </span>
    </div>
  );
}

/** "3/12": the done steps of a task's checklist over all of them. */
export function stepsDone(steps: readonly { done: boolean }[]): string {
  return `${steps.filter((step) => step.done).length}/${steps.length}`;
}
