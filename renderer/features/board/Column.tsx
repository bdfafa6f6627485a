import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { Task, TaskStatus } from '../../../shared/contract';
import { toggleColumn } from './collapsedColumns';
import { TaskCard, type CardLinks } from './TaskCard';
import type { AgentFacts } from './taskReason';

/** Height a card is assumed to have before it is measured (px). */
const ESTIMATED_CARD_HEIGHT = 64;
/** Gap between cards (px), as in the stylesheet. */
const CARD_GAP = 6;
/** Cards rendered beyond the visible ones on each side, so fast scrolling shows no blank rows. */
const OVERSCAN = 8;

/**
 * One column of the board: a drop target, sortable, and virtualised so thousands of cards scroll
 * smoothly; collapsed, a narrow strip with its title and count that still takes dropped cards.
 */
export function Column({
  status,
  title,
  tasks,
  links,
  agentOf,
  allowAll,
  onOpen,
  onReview,
  collapsed,
}: {
  collapsed: boolean;
  status: TaskStatus;
  title: string;
  tasks: Task[];
  links: (taskId: string) => CardLinks | undefined;
  agentOf: (taskId: string) => AgentFacts;
  /** The project's permission preset answers every question yes: each card warns of it. */
  allowAll: boolean;
  onOpen: (task: Task) => void;
  onReview: (task: Task) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: `column:${status}`, data: { status } });
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as its docs say
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_CARD_HEIGHT,
    gap: CARD_GAP,
    overscan: OVERSCAN,
    getItemKey: (index) => tasks[index]!.id,
  });

  return (
    <section ref={setNodeRef} className={`column${isOver ? ' over' : ''}${collapsed ? ' collapsed' : ''}`} aria-label={title} data-status={status}>
      <h3 className="column-title">
        <span className="column-name">{title}</span> <span className="count">{tasks.length}</span>
        <button
          type="button"
          className="column-toggle"
          aria-expanded={!collapsed}
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${title}`}
          title={collapsed ? `Show the cards of ${title}` : `Fold ${title} into a narrow strip`}
          onClick={() => toggleColumn(status)}
        >
          {collapsed ? '›' : '‹'}
        </button>
      </h3>
      <div ref={scrollRef} className="column-body" hidden={collapsed}>
        <SortableContext items={tasks.map((t) => t.id)} strategy={verticalListSortingStrategy}>
          <div className="column-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => {
              const task = tasks[row.index]!;
              return (
                <div
                  key={row.key}
                  ref={virtualizer.measureElement}
                  data-index={row.index}
                  className="column-row"
                  style={{ transform: `translateY(${row.start}px)` }}
                >
                  <TaskCard task={task} links={links(task.id)} agent={agentOf(task.id)} allowAll={allowAll} onOpen={() => onOpen(task)} onReview={() => onReview(task)} />
                </div>
              );
            })}
          </div>
        </SortableContext>
      </div>
    </section>
  );
}
