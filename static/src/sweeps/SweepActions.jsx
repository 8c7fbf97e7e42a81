// The editor's sweep buttons: "Sweep" (tune this pipeline's parameters) and "Try learners" (automated ML
// on the selected node's table). Each opens its own dialog; the editor only hands over what they need.
import { useState } from 'react';
import { Icon } from '../ui/icons.jsx';
import { navigate, sweepHref } from '../ui/router.js';
import { AutomlDialog } from './AutomlDialog.jsx';
import { SweepDialog } from './SweepDialog.jsx';

function givesTable(catalogue, node) {
  const spec = node && catalogue && catalogue.specOf(node.component);
  return Boolean(spec && (spec.outputs || []).some((o) => o.type === 'DataFrame'));
}

export function SweepActions({ graphId, doc, catalogue, computeTargets, selectedNodeId, flush, disabled }) {
  const [open, setOpen] = useState(null);
  const selected = (doc.nodes || []).find((n) => n.id === selectedNodeId);
  const canTryLearners = givesTable(catalogue, selected);
  return (
    <>
      <button type="button" className="btn btn-toolbar" data-testid="btn-sweep" disabled={disabled}
        title="Tune this pipeline's parameters: many runs, the best kept" onClick={() => setOpen('sweep')}>
        <Icon name="chart" /> Sweep
      </button>
      <button type="button" className="btn btn-toolbar" data-testid="btn-try-learners" disabled={disabled || !canTryLearners}
        title={canTryLearners ? `Try the catalogue's learners on ${selectedNodeId}'s table` : 'Select a dataset node to try learners on its table'}
        onClick={() => setOpen('automl')}>
        <Icon name="search" /> Try learners
      </button>
      {open === 'sweep' && (
        <SweepDialog doc={doc} catalogue={catalogue} computeTargets={computeTargets} flush={flush} graphId={graphId}
          onClose={() => setOpen(null)} onStarted={(id) => navigate(sweepHref(id))} />
      )}
      {open === 'automl' && selected && (
        <AutomlDialog graphId={graphId} nodeId={selected.id} flush={flush} onClose={() => setOpen(null)} />
      )}
    </>
  );
}
