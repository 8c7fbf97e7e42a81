// The pipeline canvas: React Flow nodes and edges derived from the graph document, and every
// canvas gesture (drop, connect, move, select, quick-add, context menu) turned into a document edit.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { PipelineNode } from './PipelineNode.jsx';
import { RoutedEdge } from './RoutedEdge.jsx';
import { QuickAdd } from './QuickAdd.jsx';
import { NodeMenu } from './NodeMenu.jsx';
import { CollapsedGroup, GroupFrame, groupStatus } from './GroupNodes.jsx';
import { NoteCard } from './NoteCard.jsx';
import { addNode, connect, connectionProblem, edgeKey, freshNodeId, moveNodes } from '../model/document.js';
import { nodeGeometry } from '../model/layout.js';
import {
  collapseGroup, collapsedView, componentPorts, expandGroup, groupNodeId, insertComponent, isGroupNodeId, isNoteNodeId, moveGroup,
  noteNodeId, plainId, updateGroup, updateNote,
} from '../model/organise.js';

const nodeTypes = { pipeline: PipelineNode, frame: GroupFrame, collapsed: CollapsedGroup, note: NoteCard };
// A frame's margin around its nodes, with room for its title above them.
const FRAME_PAD = 16;
const FRAME_TITLE = 30;
const edgeTypes = { routed: RoutedEdge };
const DEFAULT_EDGE = { type: 'routed' };
const MULTI_SELECT_KEYS = ['Control', 'Meta'];
export const DRAG_MIME = 'application/x-designer-component';
export const SUBGRAPH_DRAG_PREFIX = 'subgraph:';
// Extra room at the bottom keeps fitted nodes clear of the zoom controls and the minimap.
export const FIT_VIEW = { padding: { top: '40px', left: '56px', right: '40px', bottom: '136px' }, maxZoom: 1 };
// Below this zoom node titles and port names are too small to read: a pipeline opened at a
// smaller fit is shown from its start (its sources) at this zoom instead, the minimap showing the rest.
const READABLE_ZOOM = 0.75;
const OPEN_LEFT_PADDING = 56;
const STATUS_COLOURS = {
  running: '#3b82f6', queued: '#94a3b8', completed: '#16a34a', cached: '#0d9488', failed: '#dc2626',
  skipped: '#cbd5e1', cancelled: '#f59e0b', idle: '#e2e8f0',
};

export function Canvas({
  doc, catalogue, readOnly = false, edit, selection, setSelection, runNodes, errorsByNode,
  onOpenOutput, nodeActions, pointer, canvasRef,
}) {
  const flow = useReactFlow();
  const ownRef = useRef(null);
  const wrapper = canvasRef || ownRef;
  const [measured, setMeasured] = useState({});
  const [dragging, setDragging] = useState({});
  const [refusal, setRefusal] = useState(null);
  const refusalTimer = useRef(null);
  const [quickAdd, setQuickAdd] = useState(null);
  const [menu, setMenu] = useState(null);
  const [compact, setCompact] = useState(false);
  // Fit only a pipeline that has nodes when opened: on an empty canvas the first drop must not move the view.
  const [fitOnOpen] = useState(doc.nodes.length > 0);
  const { specOf, colourOf } = catalogue;
  const nodesInitialized = useNodesInitialized();
  const opened = useRef(false);

  useEffect(() => {
    if (!fitOnOpen || !nodesInitialized || opened.current) return;
    opened.current = true;
    // After React Flow's own fit: if that made the nodes unreadably small, zoom in on the start.
    setTimeout(() => {
      const view = flow.getViewport();
      if (view.zoom >= READABLE_ZOOM) return;
      const bounds = flow.getNodesBounds(flow.getNodes());
      const centreY = view.y + (bounds.y + bounds.height / 2) * view.zoom;
      flow.setViewport({
        x: OPEN_LEFT_PADDING - bounds.x * READABLE_ZOOM,
        y: centreY - (bounds.y + bounds.height / 2) * READABLE_ZOOM,
        zoom: READABLE_ZOOM,
      });
    }, 0);
  }, [fitOnOpen, nodesInitialized, flow]);

  // When the canvas is resized (run panel opened, window resized) a pipeline that was entirely in
  // view is fitted again, so nothing ends up hidden; a small canvas drops the minimap.
  useEffect(() => {
    const element = wrapper.current;
    let last = element.getBoundingClientRect();
    const observer = new ResizeObserver(() => {
      const now = element.getBoundingClientRect();
      setCompact(now.height < 460);
      const changed = Math.abs(now.height - last.height) > 24 || Math.abs(now.width - last.width) > 24;
      if (changed && flow.getNodes().length && wasAllInView(flow, last)) {
        setTimeout(() => flow.fitView(FIT_VIEW), 0);
      }
      last = now;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [flow]);

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
      out.set(g.id, g.collapsed ? { x: x0, y: y0 }
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

  const onNodesChange = useCallback((changes) => {
    const sizes = {};
    const moves = {};
    const select = [];
    changes.forEach((c) => {
      if (c.type === 'dimensions' && c.dimensions) sizes[c.id] = c.dimensions;
      else if (c.type === 'position' && c.dragging && c.position) moves[c.id] = c.position;
      else if (c.type === 'select') select.push(c);
    });
    if (Object.keys(sizes).length) setMeasured((m) => ({ ...m, ...sizes }));
    if (Object.keys(moves).length) setDragging((d) => ({ ...d, ...moves }));
    if (select.length) {
      setSelection((s) => {
        const next = new Set(s.nodes);
        select.forEach((c) => (c.selected ? next.add(c.id) : next.delete(c.id)));
        return { ...s, nodes: [...next] };
      });
    }
  }, [setSelection]);

  const onEdgesChange = useCallback((changes) => {
    const select = changes.filter((c) => c.type === 'select');
    if (!select.length) return;
    setSelection((s) => {
      const next = new Set(s.edges);
      select.forEach((c) => (c.selected ? next.add(c.id) : next.delete(c.id)));
      return { ...s, edges: [...next] };
    });
  }, [setSelection]);

  const onNodeDragStop = useCallback((_event, _node, dragged) => {
    const positions = {};
    const groupMoves = [];
    const noteMoves = {};
    (dragged || []).forEach((n) => {
      if (isGroupNodeId(n.id)) {
        const frame = frames.get(plainId(n.id));
        if (frame) groupMoves.push([plainId(n.id), Math.round(n.position.x - frame.x), Math.round(n.position.y - frame.y)]);
        return;
      }
      if (isNoteNodeId(n.id)) {
        noteMoves[plainId(n.id)] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
        return;
      }
      const before = nodeById.get(n.id);
      if (before && (Math.round(before.position.x) !== Math.round(n.position.x)
        || Math.round(before.position.y) !== Math.round(n.position.y))) positions[n.id] = n.position;
    });
    if (Object.keys(positions).length || groupMoves.length || Object.keys(noteMoves).length) {
      edit((d) => {
        let next = Object.keys(positions).length ? moveNodes(d, positions) : d;
        groupMoves.forEach(([id, dx, dy]) => { next = moveGroup(next, id, dx, dy); });
        Object.entries(noteMoves).forEach(([id, position]) => { next = updateNote(next, id, { position }); });
        return next;
      });
    }
    setDragging({});
  }, [nodeById, frames, edit]);

  const refuse = useCallback((message) => {
    setRefusal(message);
    clearTimeout(refusalTimer.current);
    refusalTimer.current = setTimeout(() => setRefusal(null), 4500);
  }, []);

  const problemOf = useCallback((c) => connectionProblem(doc, specOf, innerEnds(c)), [doc, specOf]);

  const isValidConnection = useCallback((c) => {
    const problem = problemOf(c);
    if (problem) refuse(problem);
    return !problem;
  }, [problemOf, refuse]);

  const onConnect = useCallback((c) => {
    const problem = problemOf(c);
    if (problem) {
      refuse(problem);
      return;
    }
    const ends = innerEnds(c);
    edit((d) => connect(d, { source: ends.source, source_port: ends.sourcePort, target: ends.target, target_port: ends.targetPort }));
  }, [problemOf, refuse, edit]);

  const onConnectEnd = useCallback((_event, state) => {
    if (state && state.toHandle && state.isValid === false && state.fromHandle) {
      const from = state.fromHandle;
      const to = state.toHandle;
      const [src, dst] = from.type === 'source' ? [from, to] : [to, from];
      const problem = problemOf({ source: src.nodeId, sourceHandle: src.id, target: dst.nodeId, targetHandle: dst.id });
      if (problem) refuse(problem);
    }
  }, [problemOf, refuse]);

  const addComponentAt = useCallback((componentId, clientPoint) => {
    const spec = specOf(componentId);
    if (!spec || readOnly) return;
    const position = flow.screenToFlowPosition(clientPoint);
    const id = freshNodeId(doc, spec.id);
    edit((d) => addNode(d, spec, { x: position.x - 110, y: position.y - 30 }, id));
    setSelection({ nodes: [id], edges: [] });
  }, [specOf, readOnly, flow, edit, setSelection, doc]);

  const onDragOver = useCallback((event) => {
    if (readOnly) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, [readOnly]);

  const onDrop = useCallback((event) => {
    event.preventDefault();
    const componentId = event.dataTransfer.getData(DRAG_MIME) || event.dataTransfer.getData('text/plain');
    if (componentId && componentId.startsWith(SUBGRAPH_DRAG_PREFIX)) {
      if (readOnly) return;
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      edit((d) => insertComponent(d, componentId.slice(SUBGRAPH_DRAG_PREFIX.length), at)[0]);
    } else if (componentId) addComponentAt(componentId, { x: event.clientX, y: event.clientY });
  }, [addComponentAt, readOnly, flow, edit]);

  const onDoubleClick = useCallback((event) => {
    if (readOnly || !event.target.classList || !event.target.classList.contains('react-flow__pane')) return;
    const box = wrapper.current.getBoundingClientRect();
    const local = clampInto(box, event.clientX - box.left, event.clientY - box.top, 310, 360);
    setQuickAdd({ client: { x: event.clientX, y: event.clientY }, local });
  }, [readOnly]);

  const onNodeContextMenu = useCallback((event, node) => {
    event.preventDefault();
    if (readOnly || isGroupNodeId(node.id) || isNoteNodeId(node.id)) return;
    const box = wrapper.current.getBoundingClientRect();
    if (!selectedNodes.has(node.id)) setSelection({ nodes: [node.id], edges: [] });
    setMenu({ nodeId: node.id, ...clampInto(box, event.clientX - box.left, event.clientY - box.top, 210, 170) });
  }, [selectedNodes, setSelection, readOnly]);

  const onPaneClick = useCallback(() => { setMenu(null); setQuickAdd(null); }, []);
  const onPaneContextMenu = useCallback((e) => { e.preventDefault(); setMenu(null); }, []);

  const onMouseMove = useCallback((event) => {
    if (pointer) pointer.current = { x: event.clientX, y: event.clientY };
  }, [pointer]);

  return (
    <div className="canvas" ref={wrapper} onDoubleClick={onDoubleClick} onMouseMove={onMouseMove}
      onMouseLeave={() => { if (pointer) pointer.current = null; }} data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        elevateNodesOnSelect={false}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={readOnly ? undefined : onNodeDragStop}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onDragOver={onDragOver}
        onDrop={onDrop}
        onNodeContextMenu={onNodeContextMenu}
        onPaneClick={onPaneClick}
        onPaneContextMenu={onPaneContextMenu}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        connectOnClick={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        zoomOnDoubleClick={false}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW}
        minZoom={0.2}
        maxZoom={2}
        attributionPosition="top-right"
        defaultEdgeOptions={DEFAULT_EDGE}
      >
        <Background gap={20} size={1.2} color="#d5dae3" />
        <Controls showInteractive={false} position="bottom-left" />
        {!compact && doc.nodes.length > 0 && <MiniMap pannable zoomable position="bottom-right" className="minimap" style={{ width: 150, height: 96 }}
          nodeColor={(n) => STATUS_COLOURS[(n.data.state && n.data.state.status) || 'idle']}
          nodeStrokeColor={(n) => (n.data.errors && n.data.errors.length ? '#dc2626' : '#94a3b8')}
          nodeBorderRadius={6} maskColor="rgba(241, 245, 249, 0.6)" />}
      </ReactFlow>
      {doc.nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <h3>{readOnly ? 'This run has no nodes' : 'Start your pipeline'}</h3>
          {!readOnly && (
            <p>Drag a component from the palette on the left, or double-click the canvas to search for one.
              Then connect an output port (right side) to an input port (left side).</p>
          )}
        </div>
      )}
      {refusal && <div className="connection-refused" role="alert" data-testid="connection-refused">{refusal}</div>}
      {quickAdd && (
        <QuickAdd catalogue={catalogue} at={quickAdd.local} onClose={() => setQuickAdd(null)}
          onChoose={(id) => { addComponentAt(id, quickAdd.client); setQuickAdd(null); }} />
      )}
      {menu && (
        <NodeMenu at={menu} actions={nodeActions(menu.nodeId)} onClose={() => setMenu(null)} />
      )}
    </div>
  );
}

/** A connection's ends as node and port; a collapsed component's handle names its inner node and port. */
function innerEnds(c) {
  const split = (nodeId, handle) => (isGroupNodeId(nodeId || '') && handle && handle.includes('::')
    ? handle.split('::') : [nodeId, handle]);
  const [source, sourcePort] = split(c.source, c.sourceHandle);
  const [target, targetPort] = split(c.target, c.targetHandle);
  return { source, sourcePort, target, targetPort };
}

function wasAllInView(flow, box) {
  const bounds = flow.getNodesBounds(flow.getNodes());
  const { x, y, zoom } = flow.getViewport();
  const left = bounds.x * zoom + x;
  const top = bounds.y * zoom + y;
  return left >= -2 && top >= -2 && left + bounds.width * zoom <= box.width + 2 && top + bounds.height * zoom <= box.height + 2;
}

function clampInto(box, x, y, width, height) {
  return { x: Math.max(8, Math.min(x, box.width - width - 8)), y: Math.max(8, Math.min(y, box.height - height - 8)) };
}
