import {
  Background,
  ControlButton,
  Controls,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './graph.css';
import { useCallback, useMemo, useRef, type KeyboardEvent } from 'react';
import type { Task, TaskGraph, TaskStatus } from '../../../shared/contract';
import { COLUMNS } from '../board/columns';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, openingViewport } from './layout';

const STATUS_TITLE = new Map(COLUMNS.map((c) => [c.status, c.title]));
/** A plan with more tasks than this gets a minimap in the corner. */
const MINIMAP_FROM_TASKS = 12;
/** How long the view takes to glide to a new zoom from the keyboard (ms). */
const ZOOM_MS = 150;

/** The minimap paints each task in its status colour, the critical path in the highlight colour. */
const CRITICAL_COLOUR = '#ff6b6b';
const STATUS_COLOUR: Record<TaskStatus, string> = {
  backlog: '#5b6472',
  ready: '#7a8aa0',
  running: '#4f8cff',
  needs_input: '#e0a526',
  review: '#a77bf3',
  done: '#3fa35b',
  failed: '#e05555',
};

function estimateText(graph: TaskGraph): string {
  if (graph.criticalPath.unit !== 'hours') return '';
  const hours = graph.criticalPath.length;
  return `, est. ${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
}

type GraphNode = Node<{ label: React.ReactNode; status: TaskStatus; critical: boolean }>;

/**
 * The plan as a graph: each task after what it waits for, the critical path highlighted. It opens
 * at a size that can be read, at the start of the critical path; drag or scroll pans, Ctrl+wheel,
 * the controls and + / − zoom, 0 fits the whole plan, Enter or a click opens a task.
 */
export default function GraphView({ tasks, graph, onOpen }: { tasks: Task[]; graph: TaskGraph; onOpen: (taskId: string) => void }) {
  const wrapper = useRef<HTMLDivElement>(null);
  const flow = useRef<ReactFlowInstance<GraphNode, Edge> | null>(null);
  const pathIds = graph.criticalPath.taskIds;
  const hasPath = pathIds.length > 1;

  const { nodes, edges, positions } = useMemo(() => {
    const critical = new Set(hasPath ? pathIds : []);
    const criticalEdge = (from: string, to: string) => {
      const i = pathIds.indexOf(from);
      return hasPath && i >= 0 && pathIds[i + 1] === to;
    };
    const positions = layoutGraph(
      tasks.map((t) => t.id),
      graph.edges.map((e) => ({ from: e.dependsOnId, to: e.taskId })),
    );
    const nodes: GraphNode[] = tasks.map((task) => {
      const status = STATUS_TITLE.get(task.status) ?? task.status;
      const onPath = critical.has(task.id);
      return {
        id: task.id,
        position: positions.get(task.id) ?? { x: 0, y: 0 },
        data: {
          status: task.status,
          critical: onPath,
          label: (
            <div className="graph-node-label" title={task.title}>
              <span className="graph-node-title">
                {task.planKey && <code>{task.planKey}</code>} {task.title}
              </span>
              <span className="graph-node-status">
                <span className="graph-status-dot" aria-hidden="true" />
                {status}
                {onPath && <span className="graph-node-critical"> · critical path</span>}
              </span>
            </div>
          ),
        },
        ariaLabel: `${task.planKey ? `${task.planKey} ` : ''}${task.title}, ${status}${onPath ? ', on the critical path' : ''}`,
        className: `graph-node status-${task.status}${onPath ? ' critical' : ''}`,
        // Sizes given, not only measured: the minimap draws a node only when it knows its size.
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        // Dependencies stand to the left: edges leave a node on its right and enter on its left.
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        connectable: false,
        draggable: false,
      };
    });
    const edges: Edge[] = graph.edges.map((e) => {
      const onPath = criticalEdge(e.dependsOnId, e.taskId);
      return {
        id: `${e.dependsOnId}->${e.taskId}`,
        source: e.dependsOnId,
        target: e.taskId,
        className: onPath ? 'critical' : undefined,
        animated: onPath,
        zIndex: onPath ? 1 : 0,
        markerEnd: { type: MarkerType.ArrowClosed, ...(onPath ? { color: CRITICAL_COLOUR } : {}) },
      };
    });
    return { nodes, edges, positions };
  }, [tasks, graph, pathIds, hasPath]);

  /** Readable size, at the first task of the critical path (or the first task in dependency order). */
  const openView = useCallback(
    (duration = 0) => {
      const box = wrapper.current?.getBoundingClientRect();
      if (!flow.current || !box) return;
      const startId = hasPath ? pathIds[0] : (graph.order.find((id) => positions.has(id)) ?? tasks[0]?.id);
      const start = startId ? positions.get(startId) : undefined;
      void flow.current.setViewport(openingViewport(positions.values(), start, box.width, box.height), { duration });
    },
    [positions, hasPath, pathIds, graph.order, tasks],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !flow.current) return;
    if ((event.target as HTMLElement).closest('input, textarea, select')) return;
    if (event.key === '+' || event.key === '=') void flow.current.zoomIn({ duration: ZOOM_MS });
    else if (event.key === '-' || event.key === '−' || event.key === '_') void flow.current.zoomOut({ duration: ZOOM_MS });
    // fitBounds, not fitView: fitView waits for the next render to start, so a key pressed just after
    // it would be overtaken by the fit; fitBounds starts now, and the next key's glide replaces it.
    else if (event.key === '0') void flow.current.fitBounds(flow.current.getNodesBounds(flow.current.getNodes()), { padding: 0.05, duration: ZOOM_MS });
    else if (event.key === '1') openView(ZOOM_MS);
    else if (event.key === 'Enter') {
      const id = (event.target as HTMLElement).closest('.react-flow__node')?.getAttribute('data-id');
      if (!id) return;
      onOpen(id);
    } else return;
    event.preventDefault();
  };

  return (
    <div
      ref={wrapper}
      className="graph-view"
      aria-label="Dependency graph"
      role="region"
      tabIndex={0}
      aria-keyshortcuts="+ - 0 1"
      onKeyDown={onKeyDown}
    >
      <div className="graph-legend small">
        <span>{tasks.length} tasks · {graph.edges.length} dependencies</span>
        {hasPath ? (
          <span className="graph-legend-critical">
            <span className="graph-legend-swatch" aria-hidden="true" />
            critical path: {pathIds.length} tasks{estimateText(graph)}
          </span>
        ) : (
          <span className="muted">no critical path: no task waits for another</span>
        )}
        <span className="muted graph-legend-keys">drag or scroll to pan · Ctrl+wheel, + / − to zoom · 0 whole plan · 1 readable size</span>
      </div>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        minZoom={0.05}
        maxZoom={2.5}
        panOnDrag
        panOnScroll
        zoomOnScroll={false}
        zoomOnPinch
        zoomOnDoubleClick={false}
        nodesConnectable={false}
        elementsSelectable
        onInit={(instance) => {
          flow.current = instance;
          openView();
        }}
        onNodeClick={(_, node) => onOpen(node.id)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} fitViewOptions={{ padding: 0.05 }}>
          <ControlButton onClick={() => openView(ZOOM_MS)} title="Readable size, at the start" aria-label="Readable size, at the start">
            1:1
          </ControlButton>
        </Controls>
        {tasks.length > MINIMAP_FROM_TASKS && (
          <MiniMap<GraphNode>
            pannable
            zoomable
            ariaLabel="Minimap of the plan"
            nodeColor={(node) => (node.data.critical ? CRITICAL_COLOUR : STATUS_COLOUR[node.data.status])}
            nodeClassName="graph-minimap-node"
            nodeStrokeWidth={0}
            maskColor="rgba(0, 0, 0, 0.45)"
          />
        )}
      </ReactFlow>
    </div>
  );
}
