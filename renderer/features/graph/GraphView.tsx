import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { Task, TaskGraph } from '../../../shared/contract';
import { COLUMNS } from '../board/columns';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';

const STATUS_TITLE = new Map(COLUMNS.map((c) => [c.status, c.title]));

/** The plan as a graph: each task after what it waits for, the critical path drawn in red. */
export default function GraphView({ tasks, graph, onOpen }: { tasks: Task[]; graph: TaskGraph; onOpen: (taskId: string) => void }) {
  const { nodes, edges } = useMemo(() => {
    const critical = new Set(graph.criticalPath.taskIds);
    const criticalEdge = (from: string, to: string) => {
      const i = graph.criticalPath.taskIds.indexOf(from);
      return i >= 0 && graph.criticalPath.taskIds[i + 1] === to;
    };
    const positions = layoutGraph(
      tasks.map((t) => t.id),
      graph.edges.map((e) => ({ from: e.dependsOnId, to: e.taskId })),
    );
    const nodes: Node[] = tasks.map((task) => ({
      id: task.id,
      position: positions.get(task.id) ?? { x: 0, y: 0 },
      data: {
        label: (
          <div className="graph-node-label" title={task.title}>
            <span className="graph-node-title">
              {task.planKey && <code>{task.planKey}</code>} {task.title}
            </span>
            <span className="graph-node-status">{STATUS_TITLE.get(task.status)}</span>
          </div>
        ),
      },
      className: `graph-node status-${task.status}${critical.has(task.id) && graph.criticalPath.taskIds.length > 1 ? ' critical' : ''}`,
      style: { width: NODE_WIDTH, height: NODE_HEIGHT },
      connectable: false,
      draggable: false,
    }));
    const edges: Edge[] = graph.edges.map((e) => {
      const onPath = criticalEdge(e.dependsOnId, e.taskId);
      return {
        id: `${e.dependsOnId}->${e.taskId}`,
        source: e.dependsOnId,
        target: e.taskId,
        className: onPath ? 'critical' : undefined,
        animated: onPath,
        markerEnd: { type: MarkerType.ArrowClosed },
      };
    });
    return { nodes, edges };
  }, [tasks, graph]);

  return (
    <div className="graph-view" aria-label="Dependency graph">
      <div className="graph-legend muted small">
        {graph.edges.length} dependencies · critical path: {graph.criticalPath.taskIds.length} tasks
        {graph.criticalPath.unit === 'hours' ? `, ${graph.criticalPath.length} h` : ''}
      </div>
      <ReactFlow nodes={nodes} edges={edges} fitView minZoom={0.05} onNodeClick={(_, node) => onOpen(node.id)} proOptions={{ hideAttribution: true }}>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
