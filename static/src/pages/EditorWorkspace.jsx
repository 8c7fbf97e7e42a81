// The editor workspace: palette, canvas, parameter panel and run panel around one graph document.
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { api, describeError } from '../api/client.js';
import { useComputeTargets } from '../hooks/useCatalogue.js';
import { useValidation } from '../hooks/useValidation.js';
import { useSchema } from '../hooks/useSchema.js';
import { mergeColumns } from '../model/schema.js';
import { addNode, emptyDocument, fragmentOf, freshNodeId, pasteFragment, removeElements } from '../model/document.js';
import { Canvas, FIT_VIEW } from '../canvas/Canvas.jsx';
import { applyLayout, layoutGraph } from '../model/layout.js';
import { readClipboard, writeClipboard } from '../canvas/clipboard.js';
import { SelectionBar } from '../canvas/SelectionBar.jsx';
import {
  addNote, collapseGroup, expandGroup, groupNodes, insertComponent, isGroupNodeId, isNoteNodeId, makeComponent,
  plainId, pruneOrganisation, ungroup,
} from '../model/organise.js';
import { Palette } from '../palette/Palette.jsx';
import { SidePanel } from '../panel/SidePanel.jsx';
import { RunPanel } from '../run/RunPanel.jsx';
import { SubmitDialog } from '../run/SubmitDialog.jsx';
import { isActive, useRun } from '../run/useRun.js';
import { DeployActions } from '../deploy/DeployActions.jsx';
import { HelpOverlay } from '../ui/HelpOverlay.jsx';
import { useToast } from '../ui/toast.jsx';
import { graphHref, navigate } from '../ui/router.js';
import { CommandBar, ConflictBanner, EditorHeader } from './EditorToolbar.jsx';
import { RevisionsPanel } from '../workspace/RevisionsPanel.jsx';
import { SweepActions } from '../sweeps/SweepActions.jsx';
import { useEditorShortcuts } from './useEditorShortcuts.js';

const OutputViewer = lazy(() => import('../outputs/OutputViewer.jsx').then((m) => ({ default: m.OutputViewer })));

const NO_SELECTION = { nodes: [], edges: [] };

export function EditorWorkspace({ graphId, catalogue, graph }) {
  const toast = useToast();
  const flow = useReactFlow();
  const { doc, edit } = graph;
  const computeTargets = useComputeTargets();
  const validation = useValidation(doc);
  const schemaColumns = useSchema(doc);
  const [selection, setSelection] = useState(NO_SELECTION);
  const [activeRunId, setActiveRunId] = useState(null);
  const [latestCompletedRun, setLatestCompletedRun] = useState(null);
  const [columns, setColumns] = useState(null);
  const [dialog, setDialog] = useState(null); // 'submit' | 'help'
  const [submitting, setSubmitting] = useState(false);
  const [viewer, setViewer] = useState(null);
  const [historyKey, setHistoryKey] = useState(0);
  const [panelOpen, setPanelOpen] = useState(false);
  const pointer = useRef(null);
  const canvasRef = useRef(null);
  const docRef = useRef(doc);
  docRef.current = doc;
  const runState = useRun(activeRunId);
  const run = runState.run;
  const conflict = graph.saveState === 'conflict';

  // The newest run's statuses and outputs are shown on the canvas when the editor opens.
  useEffect(() => {
    api.graphRuns(graphId).then((data) => {
      const runs = data.runs || [];
      if (runs.length) setActiveRunId((current) => current || runs[0].run_id);
      const done = runs.find((r) => r.status === 'completed');
      if (done) setLatestCompletedRun(done.run_id);
    }, () => {});
  }, [graphId, historyKey]);

  const runStatus = run ? run.status : null;
  useEffect(() => {
    api.columns(graphId).then((data) => setColumns(data.columns || {}), () => setColumns(null));
    if (runStatus && !isActive(runStatus)) setHistoryKey((k) => k + 1);
  }, [graphId, runStatus]);

  // Selection only ever names nodes, groups and notes that still exist (undo may remove them).
  useEffect(() => {
    setSelection((s) => {
      const ids = new Set([...doc.nodes.map((n) => n.id), ...(doc.groups || []).map((g) => `group:${g.id}`),
        ...(doc.notes || []).map((n) => `note:${n.id}`)]);
      const nodes = s.nodes.filter((id) => ids.has(id));
      return nodes.length === s.nodes.length ? s : { ...s, nodes };
    });
  }, [doc.nodes, doc.groups, doc.notes]);

  const selectOnly = useCallback((id) => setSelection({ nodes: [id], edges: [] }), []);

  const deleteNodes = useCallback((ids, edgeIds = []) => {
    if (!ids.length && !edgeIds.length) return;
    const notes = new Set(ids.filter(isNoteNodeId).map(plainId));
    const groups = ids.filter(isGroupNodeId).map(plainId);
    const nodeIds = ids.filter((id) => !isNoteNodeId(id) && !isGroupNodeId(id));
    edit((d) => {
      // Deleting a frame keeps its nodes; deleting nodes drops them from their groups.
      let next = pruneOrganisation(removeElements(d, nodeIds, edgeIds));
      groups.forEach((id) => { next = ungroup(next, id); });
      return notes.size ? { ...next, notes: (next.notes || []).filter((n) => !notes.has(n.id)) } : next;
    });
    setSelection(NO_SELECTION);
  }, [edit]);

  const pasteAt = useCallback((fragment, offset) => {
    if (!fragment || !fragment.nodes || !fragment.nodes.length) return;
    const [next, ids] = pasteFragment(docRef.current, fragment, offset);
    edit(() => next);
    setSelection({ nodes: ids, edges: [] });
  }, [edit]);

  const duplicate = useCallback((nodeIds) => pasteAt(fragmentOf(docRef.current, nodeIds), { x: 40, y: 40 }), [pasteAt]);

  const paste = useCallback(() => {
    const fragment = readClipboard();
    if (!fragment || !fragment.nodes || !fragment.nodes.length) {
      toast('Nothing to paste: select nodes and press Ctrl+C first.', 'info');
      return;
    }
    let offset = { x: 40, y: 40 };
    if (pointer.current) {
      const at = flow.screenToFlowPosition(pointer.current);
      const minX = Math.min(...fragment.nodes.map((n) => (n.position ? n.position.x : 0)));
      const minY = Math.min(...fragment.nodes.map((n) => (n.position ? n.position.y : 0)));
      offset = { x: at.x - minX, y: at.y - minY };
    }
    pasteAt(fragment, offset);
  }, [flow, pasteAt, toast]);

  const layout = useCallback(async () => {
    const laid = await layoutGraph(docRef.current, catalogue.specOf, (id) => {
      const internal = flow.getInternalNode(id);
      return internal && internal.measured;
    });
    edit((d) => applyLayout(d, laid));
    setTimeout(() => flow.fitView({ ...FIT_VIEW, duration: 300 }), 60);
  }, [edit, flow, catalogue]);

  const startRun = useCallback(async (body, label) => {
    if (!(await graph.flush())) {
      toast('The pipeline could not be saved, so it was not run.', 'error');
      return false;
    }
    try {
      const created = await api.submitRun(graphId, body);
      setActiveRunId(created.run_id);
      setHistoryKey((k) => k + 1);
      toast(label || 'Run submitted', 'success', 2500);
      return true;
    } catch (e) {
      if (e.details && Array.isArray(e.details.errors)) validation.showErrors(e.details.errors);
      toast(`Run not started: ${describeError(e)}`, 'error', 8000);
      return false;
    }
  }, [graph, graphId, toast, validation]);

  const submit = async (body) => {
    setSubmitting(true);
    const ok = await startRun(body);
    setSubmitting(false);
    if (ok) setDialog(null);
  };

  const validateNow = async () => {
    const result = await validation.validateNow(docRef.current);
    if (!result) toast('Could not validate: is the server running?', 'error');
    else if (result.valid) toast('The pipeline is valid.', 'success', 2500);
    else toast(`${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} found; see the highlighted nodes.`, 'warning');
  };

  const cancelRun = async () => {
    try {
      await api.cancelRun(run.run_id);
      toast('Cancelling the run…', 'info', 2500);
      runState.refresh();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const saveCopy = async () => {
    try {
      const created = await api.createGraph({ ...emptyDocument(), ...docRef.current, name: `${docRef.current.name || 'Pipeline'} (my version)` });
      navigate(graphHref(created.id));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const openOutput = useCallback((nodeId, port) => setViewer({ nodeId, port }), []);

  const nodeActions = useCallback((nodeId) => [
    { key: 'run-to-here', label: 'Run to here', run: () => startRun({ to: nodeId }, `Running up to ${nodeId}`), disabled: conflict },
    ...(selection.nodes.length > 1 && selection.nodes.includes(nodeId) ? [{
      key: 'run-selected', label: 'Run selected', disabled: conflict,
      run: () => startRun({ to: selection.nodes.filter((id) => !isNoteNodeId(id) && !isGroupNodeId(id)) }, 'Running the selected nodes'),
    }] : []),
    { key: 'regenerate', label: 'Regenerate output', run: () => startRun({ rerun: [nodeId] }, `Re-running ${nodeId}`), disabled: conflict },
    { key: 'sep1', separator: true },
    { key: 'duplicate', label: 'Duplicate', hint: 'Ctrl+D', run: () => duplicate(selection.nodes.includes(nodeId) ? selection.nodes : [nodeId]) },
    { key: 'delete', label: 'Delete', hint: 'Del', danger: true, run: () => deleteNodes(selection.nodes.includes(nodeId) ? selection.nodes : [nodeId]) },
  ], [startRun, duplicate, deleteNodes, selection.nodes, conflict]);

  useEditorShortcuts({
    undo: graph.undo,
    redo: graph.redo,
    deleteSelection: () => deleteNodes(selection.nodes, selection.edges),
    copy: () => {
      if (!selection.nodes.length) return;
      writeClipboard(fragmentOf(docRef.current, selection.nodes));
      toast(`Copied ${selection.nodes.length} node${selection.nodes.length === 1 ? '' : 's'}`, 'info', 1500);
    },
    paste,
    duplicate: () => duplicate(selection.nodes),
    selectAll: () => setSelection({ nodes: docRef.current.nodes.map((n) => n.id), edges: [] }),
    help: () => setDialog('help'),
    clearSelection: () => setSelection(NO_SELECTION),
  });

  const runNodes = run ? run.nodes : null;
  const selectedPipelineNodes = useMemo(() => selection.nodes.filter((id) => !isNoteNodeId(id) && !isGroupNodeId(id)),
    [selection.nodes]);
  const selectedGroup = selection.nodes.length === 1 && isGroupNodeId(selection.nodes[0])
    ? (doc.groups || []).find((g) => g.id === plainId(selection.nodes[0])) : null;
  const canvasCentre = () => {
    const box = canvasRef.current.getBoundingClientRect();
    return flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
  };
  const selectGroup = (groupId) => groupId && setSelection({ nodes: [`group:${groupId}`], edges: [] });
  const organise = {
    onRunSelected: () => startRun({ to: selectedPipelineNodes },
      `Running ${selectedPipelineNodes.length} selected node${selectedPipelineNodes.length === 1 ? '' : 's'} and what they need`),
    onGroup: () => {
      const [next, id] = groupNodes(docRef.current, selectedPipelineNodes, 'Group');
      edit(() => next);
      selectGroup(id);
    },
    onMakeComponent: () => {
      const name = window.prompt('Name of the new component', 'My component');
      if (!name || !name.trim()) return;
      const [next, id] = makeComponent(docRef.current, selectedPipelineNodes, name.trim(), catalogue.specOf);
      edit(() => next);
      selectGroup(id);
      toast(`“${name.trim()}” is in the palette under My components.`, 'success', 3000);
    },
    onUngroup: () => { edit((d) => ungroup(d, selectedGroup.id)); setSelection(NO_SELECTION); },
    onExpand: () => edit((d) => expandGroup(d, selectedGroup.id)),
    onCollapse: () => edit((d) => collapseGroup(d, selectedGroup.id)),
  };
  const addNoteAtCentre = () => {
    const at = canvasCentre();
    const [next, id] = addNote(docRef.current, { x: at.x - 110, y: at.y - 45 });
    edit(() => next);
    setSelection({ nodes: [`note:${id}`], edges: [] });
  };
  const addComponentCopy = (componentId) => {
    const [next, id] = insertComponent(docRef.current, componentId, canvasCentre());
    edit(() => next);
    selectGroup(id);
  };
  const pickerColumns = useMemo(() => mergeColumns(schemaColumns, columns), [schemaColumns, columns]);
  const editGuarded = useMemo(() => (conflict ? () => {} : edit), [conflict, edit]);
  const viewerPorts = viewer && runNodes && runNodes[viewer.nodeId] ? Object.keys(runNodes[viewer.nodeId].outputs || {}) : [];
  const selectedNodeId = selection.nodes.length === 1 ? selection.nodes[0] : null;
  const addToCentre = (componentId, params) => {
    const spec = catalogue.specOf(componentId);
    const at = canvasCentre();
    const id = freshNodeId(docRef.current, componentId);
    edit((d) => addNode(d, spec, { x: at.x - 110, y: at.y - 40 }, id, params));
    setSelection({ nodes: [id], edges: [] });
  };

  return (
    <div className="editor">
      <EditorHeader name={doc.name} saveState={graph.saveState}
        onRename={(v) => editGuarded((d) => ({ ...d, name: v }), 'doc:name', v)}>
        <DeployActions graphId={graphId} doc={doc} catalogue={catalogue} latestRunId={latestCompletedRun} flush={graph.flush} />
      </EditorHeader>
      {conflict && <ConflictBanner onReload={graph.reload} onSaveCopy={saveCopy} />}
      <CommandBar graph={graph} disabled={conflict} validation={validation} exportUrl={api.exportUrl(graphId)}
        onLayout={layout} onAddNote={addNoteAtCentre} onFit={() => flow.fitView({ ...FIT_VIEW, duration: 300 })}
        onHelp={() => setDialog('help')} onHistory={() => setDialog(dialog === 'revisions' ? null : 'revisions')} onValidate={validateNow} onSubmit={() => setDialog('submit')} onSelectNode={selectOnly}>
        <SweepActions graphId={graphId} doc={doc} catalogue={catalogue} computeTargets={computeTargets}
          selectedNodeId={selectedNodeId} flush={graph.flush} disabled={conflict} />
      </CommandBar>
      <div className="editor-main">
        <Palette catalogue={catalogue} onAdd={conflict ? () => {} : addToCentre} components={doc.subgraphs || []}
          onAddComponent={conflict ? () => {} : addComponentCopy} />
        <div className="canvas-column">
          <SelectionBar nodeIds={selectedPipelineNodes} group={selectedGroup} disabled={conflict} {...organise} />
          <Canvas doc={doc} catalogue={catalogue} readOnly={conflict} edit={editGuarded} selection={selection} setSelection={setSelection}
            runNodes={runNodes} errorsByNode={validation.byNode} onOpenOutput={openOutput} nodeActions={nodeActions} pointer={pointer} canvasRef={canvasRef} />
          <RunPanel runState={runState} selectedNodeId={selectedNodeId} doc={doc} graphId={graphId} onCancel={cancelRun}
            onSelectNode={selectOnly} onShowRun={setActiveRunId} historyKey={historyKey} open={panelOpen} setOpen={setPanelOpen} />
        </div>
        <SidePanel doc={doc} catalogue={catalogue} selection={selection} edit={editGuarded} readOnly={conflict} columns={pickerColumns}
          errorsByNode={validation.byNode} computeTargets={computeTargets} runId={run ? run.run_id : null} runNodes={runNodes}
          onOpenOutput={openOutput} />
      </div>
      {dialog === 'submit' && (
        <SubmitDialog doc={doc} computeTargets={computeTargets} busy={submitting} problems={validation.errors} onSubmit={submit} onClose={() => setDialog(null)} />
      )}
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(null)} />}
      {dialog === 'revisions' && (
        <RevisionsPanel graphId={graphId} flush={graph.flush} onRestored={graph.reload} onClose={() => setDialog(null)} />
      )}
      {viewer && run && (
        <Suspense fallback={null}><OutputViewer runId={run.run_id} nodeId={viewer.nodeId} port={viewer.port} ports={viewerPorts}
          onPort={(port) => setViewer((v) => ({ ...v, port }))} onClose={() => setViewer(null)} /></Suspense>
      )}
    </div>
  );
}
