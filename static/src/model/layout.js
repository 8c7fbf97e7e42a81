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

// The editor's canvas is about this much wider than tall with the palette and the side panel open.
const DEFAULT_ASPECT = 1.2;

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

/**
 * Lay out `doc`: {positions: {nodeId: {x, y}}, routes: {edgeKey: [{x, y}, ...]}} where a route is the
 * bend points of the edge between its ports. `sizeOf(id)` may give a measured {width, height}.
 */
export async function layoutGraph(doc, specOf, sizeOf = () => null, { aspectRatio = DEFAULT_ASPECT, wrapping = 'OFF' } = {}) {
  const nodes = doc.nodes || [];
  const ids = new Set(nodes.map((n) => n.id));
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
  const edges = (doc.edges || [])
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => ({ id: edgeKey(e), sources: [portId(e.source, 'out', e.source_port)], targets: [portId(e.target, 'in', e.target_port)] }))
    .filter((e) => ports.has(e.sources[0]) && ports.has(e.targets[0]));
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.layered.spacing.edgeNodeBetweenLayers': '28',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.edgeEdge': '14',
      'elk.spacing.componentComponent': '48',
      'elk.separateConnectedComponents': 'true',
      // Unconnected parts are packed to about the canvas's shape; a caller may wrap long chains into rows.
      'elk.aspectRatio': String(aspectRatio),
      'elk.layered.wrapping.strategy': wrapping,
      'elk.layered.wrapping.additionalEdgeSpacing': '24',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=40,left=40,bottom=40,right=40]',
    },
    children,
    edges,
  };
  const laid = await (await elk()).layout(graph);
  const positions = {};
  (laid.children || []).forEach((c) => { positions[c.id] = { x: Math.round(c.x), y: Math.round(c.y) }; });
  const routes = {};
  (laid.edges || []).forEach((e) => {
    const section = (e.sections || [])[0];
    if (section) routes[e.id] = (section.bendPoints || []).map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
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
