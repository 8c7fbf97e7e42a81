// Add a datastore: a folder at any path (e.g. a shared disk the Dask workers see too) or a SQL database.
import { useState } from 'react';
import { describeError } from '../api/client.js';
import { dataApi } from '../api/data.js';
import { Dialog } from '../ui/Dialog.jsx';

export function AddDatastoreDialog({ onClose, onDone }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState('folder');
  const [location, setLocation] = useState('');
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const body = kind === 'folder' ? { name, kind, path: location } : { name, kind, url: location };
      onDone(await dataApi.addDatastore(body));
    } catch (e) {
      setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title="Add datastore" onClose={onClose} testId="add-datastore-dialog"
      footer={(
        <>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" form="datastore-form" className="btn btn-primary" disabled={busy || !name || !location}>Add</button>
        </>
      )}>
      <form id="datastore-form" className="form-stack" onSubmit={submit}>
        <div className="field">
          <label className="field-label" htmlFor="datastore-name">Name</label>
          <input id="datastore-name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. shared" />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="datastore-kind">Kind</label>
          <select id="datastore-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="folder">Folder on this machine or a shared disk</option>
            <option value="sql">SQL database (SQLAlchemy URL)</option>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="datastore-location">{kind === 'folder' ? 'Folder path' : 'Database URL'}</label>
          <input id="datastore-location" className="input mono" value={location} onChange={(e) => setLocation(e.target.value)}
            placeholder={kind === 'folder' ? '/mnt/shared/data' : 'postgresql+psycopg://user:password@host/db'} />
          <div className="field-hint">{kind === 'folder' ? 'An absolute path that exists.' : 'Queries run read-only; the password is never shown again.'}</div>
        </div>
        {problem && <div className="callout callout-error small">{problem}</div>}
      </form>
    </Dialog>
  );
}
