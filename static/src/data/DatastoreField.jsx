// Picking a datastore by name (workspace, folder and sql datastores).
import { useEffect, useState } from 'react';
import { dataApi } from '../api/data.js';

export function DatastoreField({ value, onChange, testId, disabled }) {
  const [stores, setStores] = useState(null);
  useEffect(() => { dataApi.datastores().then((d) => setStores(d.datastores || []), () => setStores([])); }, []);
  const current = value || 'workspace';
  const known = (stores || []).some((s) => s.name === current);
  return (
    <select className="input" value={current} disabled={disabled} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
      {!known && <option value={current}>{current}{stores ? ' (missing)' : ''}</option>}
      {(stores || []).map((s) => <option key={s.name} value={s.name}>{s.name} ({s.kind})</option>)}
    </select>
  );
}
