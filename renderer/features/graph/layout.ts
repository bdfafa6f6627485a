import dagre from '@dagrejs/dagre';

/** Size a task node is drawn at (px); the layout needs it before the nodes are measured. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 54;

/** Positions for a dependency graph, dependencies to the left of what waits for them. */
export function layoutGraph(ids: readonly string[], edges: readonly { from: string; to: string }[]): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);
  return new Map(
    ids.map((id) => {
      const node = graph.node(id);
      return [id, { x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 }];
    }),
  );
}
