import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCorners,
  pointerWithin,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useMemo, useState } from 'react';
import type { Task, TaskStatus } from '../../../shared/contract';
import { AGENT_KINDS } from '../../../shared/contract/taskKinds';
import { EmptyState } from '../../components/EmptyState';
import { useActions } from '../../stores/actionsContext';
import { openReview, useAppStore } from '../../stores/appStore';
import { dropPosition } from './boardOrder';
import { Column } from './Column';
import { useCollapsedColumns } from './collapsedColumns';
import { AGENT_LABELS, COLUMNS } from './columns';
import { filterTasks, NO_FILTER, phasesOf, type BoardFilter } from './filters';
import { HeaderCounts } from './HeaderCounts';
import { agentFactsByTask, NO_AGENT } from './liveness';
import { TaskCardBody, type CardLinks } from './TaskCard';
import { useSessionStore } from '../terminals/sessionStore';
import { RunControl } from './RunControl';
import { TaskEditor, type EditorTarget } from './TaskEditor';
import { Loadable } from '../../components/Loadable';
import { lazyNamed } from '../../components/lazyNamed';

/** The graph view and its layout library load only when first shown. */
const GraphView = lazyNamed(() => import('../graph/GraphView'), 'default');
const PlanImportDialog = lazyNamed(() => import('../plans/PlanImportDialog'), 'PlanImportDialog');
const WorktreeHousekeeping = lazyNamed(() => import('../worktrees/WorktreeHousekeeping'), 'WorktreeHousekeeping');
const ReviewPanel = lazyNamed(() => import('../worktrees/ReviewPanel'), 'ReviewPanel');

/** Pointer travel before a press becomes a drag, so that a click still opens the card (px). */
const DRAG_ACTIVATION_DISTANCE = 5;

/**
 * Under the pointer, a card wins over the column that holds it, and a column (even an empty one)
 * over anything merely near; with the pointer outside every column, the nearest target.
 */
const collisionDetection: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  const card = hits.find((hit) => !String(hit.id).startsWith('column:'));
  if (card) return [card];
  if (hits.length > 0) return hits;
  return closestCorners(args);
};

function FilterBar({ filter, phases, onChange }: { filter: BoardFilter; phases: string[]; onChange: (f: BoardFilter) => void }) {
  return (
    <div className="filters" role="search">
      <input
        type="search"
        aria-label="Search tasks"
        placeholder="Search tasks"
        value={filter.query}
        onChange={(e) => onChange({ ...filter, query: e.target.value })}
      />
      <select aria-label="Filter by agent" value={filter.agent} onChange={(e) => onChange({ ...filter, agent: e.target.value as BoardFilter['agent'] })}>
        <option value="">All agents</option>
        {AGENT_KINDS.map((k) => (
          <option key={k} value={k}>
            {AGENT_LABELS[k]}
          </option>
        ))}
      </select>
      {phases.length > 0 && (
        <select aria-label="Filter by phase" value={filter.phase} onChange={(e) => onChange({ ...filter, phase: e.target.value })}>
          <option value="">All phases</option>
          {phases.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

export function Board() {
  const actions = useActions();
  const project = useAppStore((s) => s.projects.find((p) => p.id === s.selectedProjectId) ?? null);
  const tasks = useAppStore((s) => s.tasks);
  const openTaskId = useAppStore((s) => s.openTaskId);
  const [creating, setCreating] = useState<TaskStatus | null>(null);
  const openTask = tasks.find((t) => t.id === openTaskId);
  const editing: EditorTarget | null = openTask
    ? { kind: 'edit', task: openTask }
    : creating
      ? { kind: 'new', status: creating }
      : null;
  const closeEditor = () => {
    setCreating(null);
    actions.closeTask();
  };
  const [housekeeping, setHousekeeping] = useState(false);
  const collapsed = useCollapsedColumns((s) => s.collapsed);
  const reviewing = useAppStore((s) => s.tasks.find((t) => t.id === s.reviewTaskId));
  const [importing, setImporting] = useState<{ files?: File[] } | null>(null);
  const [dropping, setDropping] = useState(false);
  const [view, setView] = useState<'board' | 'graph'>('board');
  const [filter, setFilter] = useState<BoardFilter>(NO_FILTER);
  const [dragged, setDragged] = useState<Task | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: DRAG_ACTIVATION_DISTANCE } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const graph = useAppStore((s) => s.graph);
  const allowAll = useAppStore((s) => (project ? s.presets[project.id] === 'all' : false));
  const sessions = useSessionStore((s) => s.sessions);
  const latest = useSessionStore((s) => s.latest);
  const agentOf = useMemo(() => {
    const facts = agentFactsByTask(sessions, latest);
    return (taskId: string) => facts.get(taskId) ?? NO_AGENT;
  }, [sessions, latest]);
  const visible = useMemo(() => filterTasks(tasks, filter), [tasks, filter]);
  const links = useMemo(() => {
    const names = new Map(tasks.map((t) => [t.id, t.planKey ?? t.title]));
    const critical = new Set(graph?.criticalPath.taskIds ?? []);
    const onPath = (graph?.criticalPath.taskIds.length ?? 0) > 1;
    const byId = new Map<string, CardLinks>(
      (graph?.nodes ?? []).map((n) => [
        n.id,
        { waitsFor: n.blockedBy.map((id) => names.get(id) ?? '?'), blocks: n.blocks.length, critical: onPath && critical.has(n.id) },
      ]),
    );
    return (id: string) => byId.get(id);
  }, [graph, tasks]);
  const phases = useMemo(() => phasesOf(tasks), [tasks]);
  const byStatus = useMemo(() => {
    const groups = new Map<TaskStatus, Task[]>(COLUMNS.map((c) => [c.status, []]));
    for (const task of visible) groups.get(task.status)?.push(task);
    return groups;
  }, [visible]);

  if (!project) {
    return (
      <EmptyState title="Add a repository to start">
        <p>Switchyard runs each task as an agent in its own worktree of a git repository.</p>
      </EmptyState>
    );
  }

  const onDragStart = (event: DragStartEvent) => setDragged(tasks.find((t) => t.id === event.active.id) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragged(null);
    if (!event.over) return;
    const overId = String(event.over.id);
    const over = overId.startsWith('column:')
      ? { status: overId.slice('column:'.length) as TaskStatus }
      : { taskId: overId };
    const drop = dropPosition(visible, String(event.active.id), over);
    if (drop) void actions.moveTask(String(event.active.id), drop);
  };

  return (
    <section
      className={`board-area${dropping ? ' dropping' : ''}`}
      aria-label={`Tasks of ${project.name}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        const files = [...e.dataTransfer.files];
        setDropping(false);
        if (files.length === 0) return;
        e.preventDefault();
        setImporting({ files });
      }}
    >
      <header className="board-header">
        <div className="board-title">
          <h2 title={project.name}>{project.name}</h2>
          <span className="muted board-path" title={project.path}>
            {project.path}
          </span>
        </div>
        <HeaderCounts tasks={tasks} filter={filter} onChange={setFilter} />
        <FilterBar filter={filter} phases={phases} onChange={setFilter} />
        <div className="board-actions">
          <RunControl projectId={project.id} />
          <button type="button" className="primary" onClick={() => setCreating('backlog')}>
            New task
          </button>
          <button type="button" aria-pressed={view === 'graph'} onClick={() => setView(view === 'graph' ? 'board' : 'graph')}>
            Graph
          </button>
          <button type="button" data-command="import-plan" onClick={() => setImporting({})}>
            Import plan
          </button>
          <button type="button" onClick={() => setHousekeeping(true)}>
            Worktrees
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
      {tasks.length > 0 && visible.length === 0 && <p className="muted board-empty">No task matches the filter.</p>}
      {view === 'graph' && graph && (
        <Loadable what="the graph" fallback={<p className="muted">Drawing the graph…</p>}>
          <GraphView tasks={visible} graph={graph} onOpen={(id) => void actions.openTask(id)} />
        </Loadable>
      )}
      {view === 'board' && (
      <DndContext sensors={sensors} collisionDetection={collisionDetection} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragged(null)}>
        <div className="board" style={{ gridTemplateColumns: COLUMNS.map((c) => (collapsed.includes(c.status) ? 'var(--collapsed-width)' : 'minmax(var(--column-width), 1fr)')).join(' ') }}>
          {COLUMNS.map((column) => (
            <Column
              key={column.status}
              status={column.status}
              title={column.title}
              tasks={byStatus.get(column.status) ?? []}
              links={links}
              agentOf={agentOf}
              allowAll={allowAll}
              onOpen={(task) => void actions.openTask(task.id)}
              onReview={(task) => openReview(task.id)}
              collapsed={collapsed.includes(column.status)}
            />
          ))}
        </div>
        <DragOverlay>{dragged && <div className={`card overlay-card priority-${dragged.priority}`}><TaskCardBody task={dragged} links={links(dragged.id)} agent={agentOf(dragged.id)} allowAll={allowAll} /></div>}</DragOverlay>
      </DndContext>
      )}
      {editing && <TaskEditor projectId={project.id} target={editing} onClose={closeEditor} />}
      {importing && (
        <Loadable what="the plan import" onDismiss={() => setImporting(null)}>
          <PlanImportDialog projectId={project.id} {...(importing.files ? { initialFiles: importing.files } : {})} onClose={() => setImporting(null)} />
        </Loadable>
      )}
      {housekeeping && (
        <Loadable what="the worktree housekeeping" onDismiss={() => setHousekeeping(false)}>
          <WorktreeHousekeeping project={project} onClose={() => setHousekeeping(false)} />
        </Loadable>
      )}
      {reviewing && (
        <Loadable what="the review" onDismiss={() => openReview(null)}>
          <ReviewPanel task={reviewing} onClose={() => openReview(null)} />
        </Loadable>
      )}
    </section>
  );
}
