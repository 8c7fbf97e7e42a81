// Auto-layout: left-to-right layers with dagre, using each node's measured size.
import dagre from '@dagrejs/dagre';

const DEFAULT_SIZE = { width: 236, height: 130 };

/** Returns {nodeId: {x, y}} top-left positions for a tidy left-to-right layout. */
export function layoutPositions(doc, sizeOf) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 40, marginy: 40 });
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

/** A document whose nodes all have positions: nodes without one are placed by the layout. */
export function placeUnpositioned(doc) {
  const nodes = Array.isArray(doc && doc.nodes) ? doc.nodes : [];
  const missing = nodes.filter((n) => !n.position || !Number.isFinite(n.position.x) || !Number.isFinite(n.position.y));
  if (!missing.length) return doc;
  const positions = layoutPositions({ nodes, edges: Array.isArray(doc.edges) ? doc.edges : [] }, () => null);
  return {
    ...doc,
    nodes: nodes.map((n) => (missing.includes(n) ? { ...n, position: { x: Math.round(positions[n.id].x), y: Math.round(positions[n.id].y) } } : n)),
  };
}
