// The pipeline canvas: React Flow nodes and edges derived from the graph document, and every
// canvas gesture (drop, connect, move, select, quick-add, context menu) turned into a document edit.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { PipelineNode } from './PipelineNode.jsx';
import { RoutedEdge } from './RoutedEdge.jsx';
import { QuickAdd } from './QuickAdd.jsx';
import { NodeMenu } from './NodeMenu.jsx';
import { CollapsedGroup, GroupFrame } from './GroupNodes.jsx';
import { useFlowElements } from './useFlowElements.js';
import { NoteCard } from './NoteCard.jsx';
import { addNode, connect, connectionProblem, freshNodeId, moveNodes } from '../model/document.js';
import { insertComponent, isGroupNodeId, isNoteNodeId, moveGroup, plainId, updateNote } from '../model/organise.js';

const nodeTypes = { pipeline: PipelineNode, frame: GroupFrame, collapsed: CollapsedGroup, note: NoteCard };

const edgeTypes = { routed: RoutedEdge };
const DEFAULT_EDGE = { type: 'routed' };
const MULTI_SELECT_KEYS = ['Control', 'Meta'];
export const DRAG_MIME = 'application/x-designer-component';
/** Optional JSON parameters the dropped node starts with (the palette's Datasets pin a version). */
export const DRAG_PARAMS_MIME = 'application/x-designer-params';
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
// The minimap's colours are functions declared once: a new function on each render would re-render
// all of its node shapes on every mouse move of a drag.
const minimapColour = (n) => STATUS_COLOURS[(n.data.state && n.data.state.status) || 'idle'];
const minimapStroke = (n) => (n.data.errors && n.data.errors.length ? '#dc2626' : '#94a3b8');
// React Flow's default, worked out once rather than from the user agent on every render during a drag.
const ZOOM_KEY = typeof navigator !== 'undefined' && navigator.userAgent.includes('Mac') ? 'Meta' : 'Control';
const MINIMAP_STYLE = { width: 150, height: 96 };

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
  const { specOf } = catalogue;
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

  const { nodes, edges, frames, nodeById, selectedNodes } = useFlowElements({
    doc, catalogue, selection, runNodes, errorsByNode, onOpenOutput, readOnly, edit, dragging, measured,
  });

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

  const addComponentAt = useCallback((componentId, clientPoint, params) => {
    const spec = specOf(componentId);
    if (!spec || readOnly) return;
    const position = flow.screenToFlowPosition(clientPoint);
    const id = freshNodeId(doc, spec.id);
    edit((d) => addNode(d, spec, { x: position.x - 110, y: position.y - 30 }, id, params));
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
    let params;
    try { params = JSON.parse(event.dataTransfer.getData(DRAG_PARAMS_MIME) || 'null') || undefined; } catch { params = undefined; }
    if (componentId && componentId.startsWith(SUBGRAPH_DRAG_PREFIX)) {
      if (readOnly) return;
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      edit((d) => insertComponent(d, componentId.slice(SUBGRAPH_DRAG_PREFIX.length), at)[0]);
    } else if (componentId) addComponentAt(componentId, { x: event.clientX, y: event.clientY }, params);
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
        zoomActivationKeyCode={ZOOM_KEY}
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
        {!compact && doc.nodes.length > 0 && <MiniMap pannable zoomable position="bottom-right" className="minimap" style={MINIMAP_STYLE}
          nodeColor={minimapColour} nodeStrokeColor={minimapStroke}
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
