// Auto-layout: left-to-right layers with dagre, using each node's measured size.
import dagre from '@dagrejs/dagre';

const DEFAULT_SIZE = { width: 230, height: 110 };

/** Returns {nodeId: {x, y}} top-left positions for a tidy left-to-right layout. */
export function layoutPositions(doc, sizeOf) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  doc.nodes.forEach((n) => {
    const size = sizeOf(n.id) || DEFAULT_SIZE;
    g.setNode(n.id, { width: size.width || DEFAULT_SIZE.width, height: size.height || DEFAULT_SIZE.height });
  });
  doc.edges.forEach((e) => {
    if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  });
  dagre.layout(g);
  const positions = {};
  doc.nodes.forEach((n) => {
    const placed = g.node(n.id);
    positions[n.id] = { x: placed.x - placed.width / 2, y: placed.y - placed.height / 2 };
  });
  return positions;
}
