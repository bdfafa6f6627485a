import dagre from '@dagrejs/dagre';

/** Size a task node is drawn at (px); the layout needs it before the nodes are measured. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 54;
/** A node's title is set at this size (px) in graph.css; its status line one pixel smaller. */
export const NODE_TITLE_PX = 12;
/** The smallest zoom the graph opens at: the title reads at 12 px, the status line at 11 px. */
export const READABLE_ZOOM = 1;
/** A small plan is fitted to the view, but never blown up past this. */
export const MAX_FIT_ZOOM = 1.25;
/** Room left around the graph or beside the first task when the view opens (px on screen). */
export const VIEW_PADDING = 24;

export interface Point {
  x: number;
  y: number;
}

export interface Viewport extends Point {
  zoom: number;
}

/** Positions for a dependency graph, dependencies to the left of what waits for them. */
export function layoutGraph(ids: readonly string[], edges: readonly { from: string; to: string }[]): Map<string, Point> {
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

/**
 * Where the graph opens in a view of `width` × `height` px. A plan that fits at a readable size is
 * fitted and centred; a larger one opens at READABLE_ZOOM with `start` (the first task of the
 * critical path) at the left edge, halfway down, and the rest is reached by panning.
 */
export function openingViewport(positions: Iterable<Point>, start: Point | undefined, width: number, height: number): Viewport {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + NODE_WIDTH);
    maxY = Math.max(maxY, p.y + NODE_HEIGHT);
  }
  if (!Number.isFinite(minX) || width <= 0 || height <= 0) return { x: VIEW_PADDING, y: VIEW_PADDING, zoom: READABLE_ZOOM };
  const fit = Math.min((width - 2 * VIEW_PADDING) / (maxX - minX), (height - 2 * VIEW_PADDING) / (maxY - minY));
  if (fit >= READABLE_ZOOM) {
    const zoom = Math.min(fit, MAX_FIT_ZOOM);
    return { x: width / 2 - ((minX + maxX) / 2) * zoom, y: height / 2 - ((minY + maxY) / 2) * zoom, zoom };
  }
  const zoom = READABLE_ZOOM;
  const from = start ?? { x: minX, y: minY };
  // Halfway down for the start task, but no empty band above the graph's top edge.
  const centred = height / 2 - (from.y + NODE_HEIGHT / 2) * zoom;
  const y = Math.min(centred, VIEW_PADDING - minY * zoom);
  return { x: VIEW_PADDING - from.x * zoom, y, zoom };
}
