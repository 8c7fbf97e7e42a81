// Organising a graph: groups (titled frames that move their nodes), free text notes, and reusable
// components made from nodes ("Make component"), as pure edits of the document. All of it is
// canvas-only: the nodes of a component stay in `nodes`, so runs and cache keys do not change.
import { edgeKey, fragmentOf, moveNodes, pasteFragment } from './document.js';

const listOf = (doc, key) => (Array.isArray(doc[key]) ? doc[key] : []);

function freshId(doc, key, prefix) {
  const used = new Set(listOf(doc, key).map((item) => item.id));
  for (let n = 1; ; n += 1) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

/** Ids the canvas gives groups and notes, apart from node ids. */
export const groupNodeId = (id) => `group:${id}`;
export const noteNodeId = (id) => `note:${id}`;
export const isGroupNodeId = (id) => id.startsWith('group:');
export const isNoteNodeId = (id) => id.startsWith('note:');
export const plainId = (id) => id.slice(id.indexOf(':') + 1);

// ---------------------------------------------------------------- notes

export function addNote(doc, position, text = '') {
  const id = freshId(doc, 'notes', 'note');
  const note = { id, text, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return [{ ...doc, notes: [...listOf(doc, 'notes'), note] }, id];
}

export function updateNote(doc, id, change) {
  return { ...doc, notes: listOf(doc, 'notes').map((n) => (n.id === id ? { ...n, ...change } : n)) };
}

// ---------------------------------------------------------------- groups

/** Frame `nodeIds` in a new group (a node belongs to one group at most); returns [doc, groupId]. */
export function groupNodes(doc, nodeIds, title = 'Group') {
  const members = doc.nodes.filter((n) => nodeIds.includes(n.id)).map((n) => n.id);
  if (!members.length) return [doc, null];
  const id = freshId(doc, 'groups', 'group');
  const groups = listOf(doc, 'groups').map((g) => ({ ...g, nodes: g.nodes.filter((n) => !members.includes(n)) }))
    .filter((g) => g.nodes.length);
  return [{ ...doc, groups: [...groups, { id, title, nodes: members }] }, id];
}

export function updateGroup(doc, id, change) {
  return { ...doc, groups: listOf(doc, 'groups').map((g) => (g.id === id ? { ...g, ...change } : g)) };
}

export function ungroup(doc, id) {
  return { ...doc, groups: listOf(doc, 'groups').filter((g) => g.id !== id) };
}

/** Move a group's frame by (dx, dy): its nodes move with it. */
export function moveGroup(doc, id, dx, dy) {
  const group = listOf(doc, 'groups').find((g) => g.id === id);
  if (!group || (!dx && !dy)) return doc;
  const positions = {};
  doc.nodes.forEach((n) => {
    if (group.nodes.includes(n.id)) positions[n.id] = { x: n.position.x + dx, y: n.position.y + dy };
  });
  const moved = moveNodes(doc, positions);
  return group.position
    ? updateGroup(moved, id, { position: { x: group.position.x + dx, y: group.position.y + dy } })
    : moved;
}

/** Drop groups, notes and component instances that name removed nodes (after a delete or an undo). */
export function pruneOrganisation(doc) {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const groups = listOf(doc, 'groups');
  if (!groups.length || groups.every((g) => g.nodes.every((n) => ids.has(n)))) return doc;
  return { ...doc, groups: groups.map((g) => ({ ...g, nodes: g.nodes.filter((n) => ids.has(n)) })).filter((g) => g.nodes.length) };
}

// ---------------------------------------------------------------- reusable components

function portName(taken, port, nodeId) {
  const name = taken.has(port) ? `${nodeId}.${port}` : port;
  taken.add(name);
  return name;
}

/**
 * The ports a set of nodes has as one component: every input fed from outside it (or left
 * unconnected) and every output read outside it (or by nothing).
 */
export function componentPorts(doc, nodeIds, specOf) {
  const inside = new Set(nodeIds);
  const inputs = [];
  const outputs = [];
  const inNames = new Set();
  const outNames = new Set();
  doc.nodes.filter((n) => inside.has(n.id)).forEach((node) => {
    const spec = specOf(node.component);
    if (!spec) return;
    spec.inputs.forEach((p) => {
      const edge = doc.edges.find((e) => e.target === node.id && e.target_port === p.name);
      if (!edge || !inside.has(edge.source)) {
        inputs.push({ name: portName(inNames, p.name, node.id), node: node.id, port: p.name, type: p.type });
      }
    });
    spec.outputs.forEach((p) => {
      const readers = doc.edges.filter((e) => e.source === node.id && e.source_port === p.name);
      if (!readers.length || readers.some((e) => !inside.has(e.target))) {
        outputs.push({ name: portName(outNames, p.name, node.id), node: node.id, port: p.name, type: p.type });
      }
    });
  });
  return { inputs, outputs };
}

function slug(text) {
  return String(text || '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'component';
}

/**
 * "Make component": the selected nodes become a reusable component of this graph (listed in the
 * palette) and are shown as one collapsed node with its own ports. Returns [doc, groupId].
 */
export function makeComponent(doc, nodeIds, name, specOf) {
  const members = doc.nodes.filter((n) => nodeIds.includes(n.id)).map((n) => n.id);
  if (!members.length) return [doc, null];
  const used = new Set(listOf(doc, 'subgraphs').map((s) => s.id));
  let id = slug(name);
  for (let n = 2; used.has(id); n += 1) id = `${slug(name)}-${n}`;
  const fragment = fragmentOf(doc, members);
  const { inputs, outputs } = componentPorts(doc, members, specOf);
  const subgraph = {
    id, name, nodes: fragment.nodes, edges: fragment.edges.map(withoutRoute),
    inputs, outputs,
  };
  const [grouped, groupId] = groupNodes({ ...doc, subgraphs: [...listOf(doc, 'subgraphs'), subgraph] }, members, name);
  return [updateGroup(grouped, groupId, { component: id, collapsed: true }), groupId];
}

function withoutRoute(edge) {
  const { route: _route, ...rest } = edge;
  return rest;
}

export const expandGroup = (doc, id) => updateGroup(doc, id, { collapsed: false });
export const collapseGroup = (doc, id) => updateGroup(doc, id, { collapsed: true });

/** A new copy of a component's nodes at `at`, shown collapsed; returns [doc, groupId]. */
export function insertComponent(doc, componentId, at) {
  const subgraph = listOf(doc, 'subgraphs').find((s) => s.id === componentId);
  if (!subgraph || !subgraph.nodes.length) return [doc, null];
  const minX = Math.min(...subgraph.nodes.map((n) => (n.position ? n.position.x : 0)));
  const minY = Math.min(...subgraph.nodes.map((n) => (n.position ? n.position.y : 0)));
  const [pasted, ids] = pasteFragment(doc, subgraph, { x: at.x - minX, y: at.y - minY });
  const [grouped, groupId] = groupNodes(pasted, ids, subgraph.name);
  return [updateGroup(grouped, groupId, { component: componentId, collapsed: true }), groupId];
}

/** Edge keys hidden inside collapsed groups, and how edges at their border attach to the group. */
export function collapsedView(doc) {
  const owner = new Map();
  listOf(doc, 'groups').filter((g) => g.collapsed).forEach((g) => g.nodes.forEach((n) => owner.set(n, g.id)));
  const hiddenNodes = new Set(owner.keys());
  const hiddenEdges = new Set();
  const rerouted = new Map();
  doc.edges.forEach((e) => {
    const from = owner.get(e.source);
    const to = owner.get(e.target);
    if (from && from === to) hiddenEdges.add(edgeKey(e));
    else if (from || to) {
      rerouted.set(edgeKey(e), {
        source: from ? groupNodeId(from) : e.source,
        sourceHandle: from ? `${e.source}::${e.source_port}` : e.source_port,
        target: to ? groupNodeId(to) : e.target,
        targetHandle: to ? `${e.target}::${e.target_port}` : e.target_port,
      });
    }
  });
  return { owner, hiddenNodes, hiddenEdges, rerouted };
}
