// The React Flow nodes and edges of a graph document: pipeline nodes, group frames, collapsed
// components and notes, and the edges between them. Every object is reused while its inputs are
// unchanged, so dragging one node hands React Flow one changed object, not 300.
import { useMemo, useRef } from 'react';
import { edgeKey } from '../model/document.js';
import { nodeGeometry } from '../model/layout.js';
import { collapsedView, collapseGroup, componentPorts, expandGroup, groupNodeId, noteNodeId, updateGroup, updateNote } from '../model/organise.js';
import { groupStatus } from './GroupNodes.jsx';

// A frame's margin around its nodes, with room for its title above them.
const FRAME_PAD = 16;
const FRAME_TITLE = 30;

export function useFlowElements({
  doc, catalogue, selection, runNodes, errorsByNode, onOpenOutput, readOnly, edit, dragging, measured,
}) {
  const { specOf, colourOf } = catalogue;
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);

  // Node data and React Flow node objects are reused while their inputs are unchanged, so dragging
  // one node hands React Flow one changed object, not 300 (it re-renders only what changed).
  const dataCache = useRef(new Map());
  const flowNodeCache = useRef(new Map());
  const view = useMemo(() => collapsedView(doc), [doc]);
  const groups = useMemo(() => (Array.isArray(doc.groups) ? doc.groups : []), [doc.groups]);
  const notes = useMemo(() => (Array.isArray(doc.notes) ? doc.notes : []), [doc.notes]);
  const nodeById = useMemo(() => new Map(doc.nodes.map((n) => [n.id, n])), [doc.nodes]);
  // Where each group's frame (or collapsed node) sits before any drag, from its nodes' places and sizes.
  const frames = useMemo(() => {
    const out = new Map();
    groups.forEach((g) => {
      const members = g.nodes.map((id) => nodeById.get(id)).filter(Boolean);
      if (!members.length) return;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      members.forEach((n) => {
        const size = measured[n.id] || nodeGeometry(n, specOf(n.component));
        x0 = Math.min(x0, n.position.x);
        y0 = Math.min(y0, n.position.y);
        x1 = Math.max(x1, n.position.x + size.width);
        y1 = Math.max(y1, n.position.y + size.height);
      });
      // A collapsed component sits where its leftmost node was (clear of the nodes around it).
      const first = members.reduce((a, b) => (b.position.x < a.position.x
        || (b.position.x === a.position.x && b.position.y < a.position.y) ? b : a));
      out.set(g.id, g.collapsed ? { x: first.position.x, y: first.position.y }
        : { x: x0 - FRAME_PAD, y: y0 - FRAME_PAD - FRAME_TITLE, width: x1 - x0 + 2 * FRAME_PAD, height: y1 - y0 + 2 * FRAME_PAD + FRAME_TITLE });
    });
    return out;
  }, [groups, nodeById, measured, specOf]);
  // While a frame is dragged its nodes follow it.
  const groupShift = useMemo(() => {
    const shift = new Map();
    groups.forEach((g) => {
      const moved = dragging[groupNodeId(g.id)];
      const frame = frames.get(g.id);
      if (moved && frame) g.nodes.forEach((id) => shift.set(id, { x: moved.x - frame.x, y: moved.y - frame.y }));
    });
    return shift;
  }, [groups, dragging, frames]);
  const pipelineNodes = useMemo(() => doc.nodes.map((node) => {
    const state = runNodes ? runNodes[node.id] : null;
    const errors = errorsByNode ? errorsByNode[node.id] : null;
    const spec = specOf(node.component);
    const previous = dataCache.current.get(node.id);
    const data = previous && previous.node === node && previous.state === state && previous.errors === errors
      && previous.spec === spec && previous.readOnly === readOnly && previous.onOpenOutput === onOpenOutput
      && previous.colourOf === colourOf
      ? previous
      : { node, spec, state, errors, colourOf, onOpenOutput, readOnly };
    dataCache.current.set(node.id, data);
    const shift = groupShift.get(node.id);
    const position = dragging[node.id]
      || (shift ? { x: node.position.x + shift.x, y: node.position.y + shift.y } : node.position);
    const selected = selectedNodes.has(node.id);
    const size = measured[node.id];
    const hidden = view.hiddenNodes.has(node.id);
    const previousNode = flowNodeCache.current.get(node.id);
    if (previousNode && previousNode.data === data && previousNode.position === position
      && previousNode.selected === selected && previousNode.measured === size && previousNode.hidden === hidden) return previousNode;
    const flowNode = { id: node.id, type: 'pipeline', position, selected, measured: size, deletable: false, data, hidden };
    flowNodeCache.current.set(node.id, flowNode);
    return flowNode;
  }), [doc.nodes, dragging, groupShift, view, selectedNodes, measured, specOf, runNodes, errorsByNode, colourOf, onOpenOutput, readOnly]);

  const organise = useMemo(() => ({
    onRename: (id, title) => edit((d) => updateGroup(d, id, { title: title.trim() || 'Group' })),
    onCollapse: (id) => edit((d) => collapseGroup(d, id)),
    onExpand: (id) => edit((d) => expandGroup(d, id)),
    onText: (id, text) => edit((d) => updateNote(d, id, { text }), `note:${id}`, text),
  }), [edit]);

  const groupNodes = useMemo(() => groups.filter((g) => frames.has(g.id)).map((g) => {
    const id = groupNodeId(g.id);
    const frame = frames.get(g.id);
    const position = dragging[id] || { x: frame.x, y: frame.y };
    const selected = selectedNodes.has(id);
    if (g.collapsed) {
      return {
        id, type: 'collapsed', position, selected, deletable: false, measured: measured[id],
        data: { group: g, ports: componentPorts(doc, g.nodes, specOf), colourOf, status: groupStatus(g, runNodes), readOnly, ...organise },
      };
    }
    return {
      id, type: 'frame', position, selected, deletable: false, zIndex: -1, width: frame.width, height: frame.height,
      data: { group: g, readOnly, ...organise },
    };
  }), [groups, frames, dragging, selectedNodes, measured, doc, specOf, colourOf, runNodes, readOnly, organise]);

  const noteNodes = useMemo(() => notes.map((note) => {
    const id = noteNodeId(note.id);
    return { id, type: 'note', position: dragging[id] || note.position || { x: 0, y: 0 }, selected: selectedNodes.has(id),
      deletable: false, measured: measured[id], data: { note, readOnly, onText: organise.onText } };
  }), [notes, dragging, selectedNodes, measured, readOnly, organise]);

  const nodes = useMemo(() => (groupNodes.length || noteNodes.length
    ? [...groupNodes.filter((n) => n.type === 'frame'), ...pipelineNodes, ...groupNodes.filter((n) => n.type !== 'frame'), ...noteNodes]
    : pipelineNodes), [groupNodes, pipelineNodes, noteNodes]);

  const componentOf = useMemo(() => new Map(doc.nodes.map((n) => [n.id, n.component])), [doc.nodes]);
  const edgeCache = useRef(new Map());
  const edges = useMemo(() => doc.edges.filter((e) => !view.hiddenEdges.has(edgeKey(e))).map((e) => {
    const rerouted = view.rerouted.get(edgeKey(e));
    if (rerouted) {
      const source = specOf(componentOf.get(e.source));
      const type = source ? (source.outputs.find((o) => o.name === e.source_port) || {}).type : null;
      return { id: edgeKey(e), type: 'default', ...rerouted, selected: selectedEdges.has(edgeKey(e)), deletable: false,
        style: { stroke: type ? colourOf(type) : '#94a3b8' }, className: 'pipeline-edge' };
    }
    const source = specOf(componentOf.get(e.source));
    const type = source ? (source.outputs.find((o) => o.name === e.source_port) || {}).type : null;
    const id = edgeKey(e);
    const targetState = runNodes && runNodes[e.target];
    const selected = selectedEdges.has(id);
    const animated = Boolean(targetState && targetState.status === 'running');
    const stroke = type ? colourOf(type) : '#94a3b8';
    const previous = edgeCache.current.get(id);
    if (previous && previous.data.edge === e && previous.selected === selected && previous.animated === animated
      && previous.style.stroke === stroke) return previous;
    const flowEdge = {
      id,
      type: 'routed',
      source: e.source,
      target: e.target,
      sourceHandle: e.source_port,
      targetHandle: e.target_port,
      selected,
      deletable: false,
      animated,
      style: { stroke },
      className: 'pipeline-edge',
      data: { edge: e, route: e.route },
    };
    edgeCache.current.set(id, flowEdge);
    return flowEdge;
  }), [doc.edges, view, componentOf, specOf, colourOf, selectedEdges, runNodes]);

  return { nodes, edges, frames, nodeById, selectedNodes };
}
