// The pipelines list: open, create, clone, delete, import (picker or drag-drop) and export graphs.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, describeError } from '../api/client.js';
import { emptyDocument } from '../model/document.js';
import { useToast } from '../ui/toast.jsx';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { StatusBadge, relativeTime } from '../ui/StatusBadge.jsx';
import { Icon } from '../ui/icons.jsx';
import { graphHref, navigate, runHref } from '../ui/router.js';
import { ListState } from '../ui/ListState.jsx';
import { DeleteButton, NameCell, PageTitle } from '../ui/ListTable.jsx';
import { AppHeader } from './AppHeader.jsx';
import { KINDS, RUN_FILTERS, SORTS, distinctName, kindLabel, visibleGraphs } from './pipelineList.js';

export function PipelinesPage() {
  const toast = useToast();
  const [graphs, setGraphs] = useState(null);
  const [error, setError] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef(null);
  const [search, setSearch] = useState('');
  const [kinds, setKinds] = useState([]);
  const [runFilter, setRunFilter] = useState('any');
  const [sort, setSort] = useState('edited');
  const shown = useMemo(() => visibleGraphs(graphs, { search, kinds, run: runFilter, sort }),
    [graphs, search, kinds, runFilter, sort]);
  const toggleKind = (kind) => setKinds((k) => (k.includes(kind) ? k.filter((x) => x !== kind) : [...k, kind]));

  const refresh = useCallback(() => {
    api.listGraphs().then((data) => { setGraphs(data.graphs || []); setError(null); }, setError);
  }, []);
  useEffect(() => { refresh(); }, [refresh]);

  const createGraph = async () => {
    try {
      const created = await api.createGraph(emptyDocument(distinctName('New pipeline', (graphs || []).map((g) => g.name))));
      navigate(graphHref(created.id));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const importFiles = async (files) => {
    for (const file of Array.from(files || [])) {
      let document;
      try {
        document = JSON.parse(await file.text());
      } catch {
        toast(`${file.name} is not valid JSON.`, 'error');
        continue;
      }
      try {
        await api.importGraph(document);
        toast(`Imported ${document.name || file.name}`, 'success');
      } catch (e) {
        toast(`Could not import ${file.name}: ${describeError(e)}`, 'error', 8000);
      }
    }
    refresh();
  };

  const clone = async (graph) => {
    try {
      await api.cloneGraph(graph.id);
      toast(`Cloned ${graph.name || graph.id}`, 'success');
      refresh();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const remove = async (graph) => {
    try {
      await api.deleteGraph(graph.id);
      toast(`Deleted ${graph.name || graph.id}`, 'success');
      refresh();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  // A .json file dropped anywhere on the window is imported.
  const importRef = useRef(importFiles);
  importRef.current = importFiles;
  useEffect(() => {
    const hasFiles = (event) => Array.from((event.dataTransfer && event.dataTransfer.types) || []).includes('Files');
    const onDragOver = (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    };
    const onDragLeave = (event) => {
      if (!event.relatedTarget) setDragging(false);
    };
    const onDrop = (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      importRef.current(event.dataTransfer.files);
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return (
    <div className="page">
      <AppHeader />
      <main className="page-body">
        <PageTitle title="Pipelines" subtitle="Design, run and compare machine-learning pipelines on your own machine.">
          <div className="row gap-8">
            <input ref={fileInput} type="file" accept=".json,application/json" hidden multiple
              data-testid="import-file-input" onChange={(e) => { importFiles(e.target.files); e.target.value = ''; }} />
            <button type="button" className="btn" data-testid="btn-import" onClick={() => fileInput.current.click()}>
              <Icon name="upload" /> Import JSON
            </button>
            <button type="button" className="btn btn-primary" data-testid="btn-new-graph" onClick={createGraph}>
              <Icon name="plus" /> New pipeline
            </button>
          </div>
        </PageTitle>

        <ListState items={graphs} error={error} what="pipelines" icon="layout" title="No pipelines yet" testId="graphs-empty">
          <p>Create a pipeline and drag components from the palette onto the canvas, or import a
            <code> designer-graph/1 </code> JSON file. You can also drop a .json file anywhere on this page.</p>
          <div className="row gap-8 center">
            <button type="button" className="btn" onClick={() => fileInput.current.click()}><Icon name="upload" /> Import JSON</button>
            <button type="button" className="btn btn-primary" onClick={createGraph}><Icon name="plus" /> New pipeline</button>
          </div>
        </ListState>
        {graphs && graphs.length > 0 && (
          <div className="list-filters" data-testid="graph-filters">
            <input type="search" className="input list-search" placeholder="Search pipelines" aria-label="Search pipelines"
              value={search} data-testid="graph-search" onChange={(e) => setSearch(e.target.value)} />
            <div className="row gap-8" role="group" aria-label="Kind">
              {KINDS.map((k) => (
                <button key={k.id} type="button" className={`chip kind-chip kind-${k.id}${kinds.includes(k.id) ? ' chip-on' : ''}`}
                  aria-pressed={kinds.includes(k.id)} data-testid={`filter-kind-${k.id}`} onClick={() => toggleKind(k.id)}>
                  {k.label} <span className="chip-count">{graphs.filter((g) => (g.kind || 'training') === k.id).length}</span>
                </button>
              ))}
            </div>
            <select className="input list-select" value={runFilter} aria-label="Last run" data-testid="filter-run"
              onChange={(e) => setRunFilter(e.target.value)}>
              {RUN_FILTERS.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
            </select>
            <label className="row gap-8 muted small">Sort
              <select className="input list-select" value={sort} data-testid="graph-sort" onChange={(e) => setSort(e.target.value)}>
                {SORTS.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
              </select>
            </label>
          </div>
        )}
        {graphs && graphs.length > 0 && shown.length === 0 && (
          <div className="empty-state small" data-testid="graphs-none-match">
            <p>No pipeline matches these filters.</p>
            <button type="button" className="btn" onClick={() => { setSearch(''); setKinds([]); setRunFilter('any'); }}>Clear filters</button>
          </div>
        )}
        {shown.length > 0 && (
          <table className="data-table graph-table">
            <thead>
              <tr><th>Name</th><th>Kind</th><th>Last edited</th><th>Last run</th><th className="actions-col" aria-label="Actions" /></tr>
            </thead>
            <tbody>
              {shown.map((graph) => (
                <tr key={graph.id} data-testid={`graph-row-${graph.id}`} className="clickable" onDoubleClick={() => navigate(graphHref(graph.id))}>
                  <NameCell href={graphHref(graph.id)} name={graph.name || 'Untitled pipeline'} detail={graph.description}
                    detailMono={false} />
                  <td><span className={`kind-badge kind-${graph.kind || 'training'}`} data-testid="kind-badge">{kindLabel(graph.kind)}</span></td>
                  <td className="muted" title={graph.updated_at || ''}>{relativeTime(graph.updated_at)}</td>
                  <td>
                    {graph.last_run
                      ? <a href={runHref(graph.last_run.run_id)} className="plain-link"><StatusBadge status={graph.last_run.status} /></a>
                      : <span className="muted small">Never run</span>}
                  </td>
                  <td className="actions-col">
                    <div className="row-actions">
                      <a className="btn btn-small" href={graphHref(graph.id)} data-testid="btn-open">Open</a>
                      <button type="button" className="btn btn-small" data-testid="btn-clone" onClick={() => clone(graph)}><Icon name="copy" /> Clone</button>
                      <a className="btn btn-small" href={api.exportUrl(graph.id)} download data-testid="btn-export"><Icon name="download" /> Export</a>
                      <DeleteButton label={`Delete ${graph.name}`} onClick={() => setConfirm(graph)} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-card"><Icon name="upload" size={28} /><div>Drop a pipeline JSON file to import it</div></div>
        </div>
      )}
      {confirm && (
        <ConfirmDialog title="Delete pipeline?" onClose={() => setConfirm(null)} onConfirm={() => remove(confirm)}
          message={`“${confirm.name || confirm.id}” and its run history will be deleted. This cannot be undone.`} />
      )}
    </div>
  );
}
