// Picking a registered dataset version: a dataset list and a version list ("newest" or a fixed number).
import { useEffect, useState } from 'react';
import { dataApi } from '../api/data.js';

function splitReference(value) {
  const text = value === undefined || value === null ? '' : String(value);
  const at = text.lastIndexOf(':');
  if (at > 0 && /^\d+$/.test(text.slice(at + 1))) return { name: text.slice(0, at), version: text.slice(at + 1) };
  return { name: text, version: '' };
}

let cachedList = null;
/** The registered datasets, fetched once per page load and shared by every field. */
export function useDatasetList() {
  const [list, setList] = useState(cachedList);
  useEffect(() => {
    let live = true;
    (cachedList ? Promise.resolve(cachedList) : dataApi.datasets().then((d) => { cachedList = d.datasets || []; return cachedList; }))
      .then((datasets) => { if (live) setList(datasets); }, () => { if (live) setList([]); });
    return () => { live = false; };
  }, []);
  return list;
}

export function forgetDatasetList() { cachedList = null; }

/** value: "NAME" (newest) or "NAME:VERSION"; `kind` limits the list to "tabular" or "images". */
export function DatasetField({ value, onChange, testId, disabled, kind }) {
  const datasets = useDatasetList();
  const { name, version } = splitReference(value);
  const [versions, setVersions] = useState([]);
  useEffect(() => {
    if (!name) { setVersions([]); return undefined; }
    let live = true;
    dataApi.dataset(name).then((d) => live && setVersions(d.versions || []), () => live && setVersions([]));
    return () => { live = false; };
  }, [name]);
  const shown = (datasets || []).filter((d) => !kind || d.kind === kind);
  const known = shown.some((d) => d.name === name);
  const newest = versions.length ? versions[0].version : null;
  return (
    <div className="dataset-field">
      <select className="input" value={name} disabled={disabled} data-testid={testId}
        onChange={(e) => onChange(e.target.value)} aria-label="Dataset">
        <option value="">{datasets === null ? 'Loading datasets…' : '— choose a dataset —'}</option>
        {name && !known && <option value={name}>{name} (not registered)</option>}
        {shown.map((d) => <option key={d.name} value={d.name} title={`${d.kind}, newest version ${d.latest_version}`}>{d.name}</option>)}
      </select>
      <select className="input" value={version} disabled={disabled || !name} data-testid={`${testId}-version`}
        onChange={(e) => onChange(e.target.value ? `${name}:${e.target.value}` : name)} aria-label="Version">
        <option value="">newest{newest ? ` (now v${newest})` : ''}</option>
        {version && !versions.some((v) => String(v.version) === version) && <option value={version}>v{version} (missing)</option>}
        {versions.map((v) => <option key={v.version} value={String(v.version)}>v{v.version}</option>)}
      </select>
    </div>
  );
}
