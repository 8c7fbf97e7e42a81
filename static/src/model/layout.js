// The one layout of the designer: ELK's layered algorithm, left to right, with each node's ports at
// their places on its sides, so edges are routed around nodes (never behind one) and unconnected
// nodes are packed in rows rather than one tall column. Pure data in, positions and edge routes out.
import { edgeKey } from './document.js';

// Sizes of a node card as canvas.css draws it (.pnode, .pnode-header, .port-row); measured sizes win.
export const NODE_WIDTH = 236;
const HEADER = 14; // header padding
const TITLE_LINE = 17; // a 13px semibold title line
const ID_LINE = 14;
const TITLE_CHARS_PER_LINE = 26;
const PORTS_TOP = 3; // border + padding above the first port row
const PORT_ROW = 22;
const PORTS_BOTTOM = 8;
const COMMENT = 44;

// Unconnected parts are placed in rows about this much wider than tall (the editor canvas's shape).
const DEFAULT_ASPECT = 1.6;

let elkInstance = null;
async function elk() {
  if (!elkInstance) {
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
    elkInstance = new ELK();
  }
  return elkInstance;
}

function titleOf(node, spec) {
  return spec ? spec.name : node.component;
}

/** How many lines a node's title takes (titles wrap; they are never cut). */
export function titleLines(title) {
  return Math.max(1, Math.ceil(String(title || '').length / TITLE_CHARS_PER_LINE));
}

/** The card's size and where its ports sit (y from the top), as canvas.css draws it. */
export function nodeGeometry(node, spec) {
  const inputs = (spec && spec.inputs) || [];
  const outputs = (spec && spec.outputs) || [];
  const rows = Math.max(inputs.length, outputs.length);
  const header = HEADER + TITLE_LINE * titleLines(titleOf(node, spec)) + ID_LINE;
  const portY = (i) => header + PORTS_TOP + PORT_ROW * i + PORT_ROW / 2;
  const height = header + (rows ? PORTS_TOP + PORT_ROW * rows + PORTS_BOTTOM : 0) + (node.comment ? COMMENT : 0);
  return {
    width: NODE_WIDTH,
    height,
    inputs: inputs.map((p, i) => ({ name: p.name, y: portY(i) })),
    outputs: outputs.map((p, i) => ({ name: p.name, y: portY(i) })),
  };
}

const portId = (nodeId, side, port) => `${nodeId}\u0000${side}\u0000${port}`;

/** Groups of node ids joined by edges, in document order. */
function connectedParts(nodes, edges) {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (id) => {
    while (parent.get(id) !== id) id = parent.get(id);
    return id;
  };
  edges.forEach((e) => {
    if (parent.has(e.source) && parent.has(e.target)) parent.set(find(e.source), find(e.target));
  });
  const parts = new Map();
  nodes.forEach((n) => {
    const root = find(n.id);
    if (!parts.has(root)) parts.set(root, []);
    parts.get(root).push(n);
  });
  return [...parts.values()];
}

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.layered.spacing.edgeNodeBetweenLayers': '28',
  'elk.spacing.nodeNode': '36',
  'elk.spacing.edgeNode': '24',
  'elk.spacing.edgeEdge': '14',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};
const MARGIN = 40;
const PART_GAP = 48;

async function layoutPart(engine, nodes, edges, specOf, sizeOf) {
  const children = nodes.map((node) => {
    const spec = specOf(node.component);
    const geometry = nodeGeometry(node, spec);
    const measured = sizeOf(node.id);
    const width = (measured && measured.width) || geometry.width;
    const height = Math.max((measured && measured.height) || 0, geometry.height);
    return {
      id: node.id,
      width,
      height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [
        ...geometry.inputs.map((p) => ({ id: portId(node.id, 'in', p.name), x: -1, y: p.y - 1, width: 2, height: 2,
          layoutOptions: { 'elk.port.side': 'WEST' } })),
        ...geometry.outputs.map((p) => ({ id: portId(node.id, 'out', p.name), x: width - 1, y: p.y - 1, width: 2, height: 2,
          layoutOptions: { 'elk.port.side': 'EAST' } })),
      ],
    };
  });
  const ports = new Set(children.flatMap((c) => c.ports.map((p) => p.id)));
  const elkEdges = edges
    .map((e) => ({ id: edgeKey(e), sources: [portId(e.source, 'out', e.source_port)], targets: [portId(e.target, 'in', e.target_port)] }))
    .filter((e) => ports.has(e.sources[0]) && ports.has(e.targets[0]));
  const laid = await engine.layout({ id: 'root', layoutOptions: LAYOUT_OPTIONS, children, edges: elkEdges });
  const boxes = laid.children || [];
  return {
    width: Math.max(0, ...boxes.map((c) => c.x + c.width)),
    height: Math.max(0, ...boxes.map((c) => c.y + c.height)),
    children: boxes,
    edges: laid.edges || [],
  };
}

/**
 * Lay out `doc`: {positions: {nodeId: {x, y}}, routes: {edgeKey: [{x, y}, ...]}} where a route is the
 * bend points of the edge between its ports. Each connected part is laid out left to right by ELK;
 * the parts are then placed in rows (a grid, not one tall column) about `aspectRatio` wide.
 * `sizeOf(id)` may give a measured {width, height}.
 */
export async function layoutGraph(doc, specOf, sizeOf = () => null, { aspectRatio = DEFAULT_ASPECT } = {}) {
  const nodes = doc.nodes || [];
  const ids = new Set(nodes.map((n) => n.id));
  const edges = (doc.edges || []).filter((e) => ids.has(e.source) && ids.has(e.target));
  const engine = await elk();
  const parts = await Promise.all(connectedParts(nodes, edges).map((part) => {
    const inside = new Set(part.map((n) => n.id));
    return layoutPart(engine, part, edges.filter((e) => inside.has(e.source)), specOf, sizeOf);
  }));
  const area = parts.reduce((sum, p) => sum + (p.width + PART_GAP) * (p.height + PART_GAP), 0);
  const rowWidth = Math.max(...parts.map((p) => p.width), Math.sqrt(area * aspectRatio));
  const positions = {};
  const routes = {};
  let [x, y, rowHeight] = [MARGIN, MARGIN, 0];
  parts.forEach((part) => {
    if (x > MARGIN && x + part.width > MARGIN + rowWidth) {
      [x, y, rowHeight] = [MARGIN, y + rowHeight + PART_GAP, 0];
    }
    part.children.forEach((c) => { positions[c.id] = { x: Math.round(x + c.x), y: Math.round(y + c.y) }; });
    part.edges.forEach((e) => {
      const section = (e.sections || [])[0];
      if (section) routes[e.id] = (section.bendPoints || []).map((p) => ({ x: Math.round(x + p.x), y: Math.round(y + p.y) }));
    });
    x += part.width + PART_GAP;
    rowHeight = Math.max(rowHeight, part.height);
  });
  return { positions, routes };
}

/** `doc` with the layout applied: every node placed, every edge given its route. */
export function applyLayout(doc, { positions, routes }) {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)),
    edges: doc.edges.map((e) => {
      const route = routes[edgeKey(e)];
      if (route && route.length) return { ...e, route };
      if (!e.route) return e;
      const { route: _stale, ...rest } = e;
      return rest;
    }),
  };
}

const hasPosition = (n) => n.position && Number.isFinite(n.position.x) && Number.isFinite(n.position.y);

/** A document whose nodes all have positions: when any lacks one, the whole graph is laid out. */
export async function placeUnpositioned(doc, specOf) {
  const nodes = Array.isArray(doc && doc.nodes) ? doc.nodes : [];
  if (nodes.every(hasPosition)) return doc;
  const safe = { ...doc, nodes, edges: Array.isArray(doc.edges) ? doc.edges : [] };
  return applyLayout(safe, await layoutGraph(safe, specOf));
}
