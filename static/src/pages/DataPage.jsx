// The Data page, #/data[/<datastore>/<folder>]: datastores, the files of one (browse, preview, upload by
// picker or drop with progress, delete), adding and (admins) removing datastores, registering a file or folder as a dataset, and the datasets.
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client.js';
import { dataApi, droppedFiles, uploadFiles } from '../api/data.js';
import { ConfirmDialog } from '../ui/Dialog.jsx';
import { Icon } from '../ui/icons.jsx';
import { ListState } from '../ui/ListState.jsx';
import { relativeTime } from '../ui/StatusBadge.jsx';
import { useToast } from '../ui/toast.jsx';
import { dataHref, datasetHref, navigate } from '../ui/router.js';
import { RegisterDialog } from '../data/RegisterDialog.jsx';
import { AddDatastoreDialog } from '../data/AddDatastoreDialog.jsx';
import { FilePreview, isImage, isTable } from '../data/FilePreview.jsx';
import { forgetDatasetList } from '../data/DatasetField.jsx';
import { AppHeader } from './AppHeader.jsx';
import { useMe } from './UserMenu.jsx';

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function Breadcrumb({ datastore, prefix }) {
  const parts = prefix ? prefix.split('/') : [];
  return (
    <nav className="breadcrumb" aria-label="Folder" data-testid="data-breadcrumb">
      <a href={dataHref(datastore)}>{datastore}</a>
      {parts.map((part, i) => (
        <span key={i}><span className="muted"> / </span><a href={dataHref(datastore, parts.slice(0, i + 1).join('/'))}>{part}</a></span>
      ))}
    </nav>
  );
}

export function DataPage({ datastore, prefix }) {
  const toast = useToast();
  const [stores, setStores] = useState(null);
  const [storesError, setStoresError] = useState(null);
  const [listing, setListing] = useState(null);
  const [listingError, setListingError] = useState(null);
  const [datasets, setDatasets] = useState(null);
  const [upload, setUpload] = useState(null); // {fraction, count, label}
  const [extract, setExtract] = useState(true);
  const [dragging, setDragging] = useState(false);
  const [register, setRegister] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const [preview, setPreview] = useState(null);
  const [adding, setAdding] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const user = useMe();
  const isAdmin = Boolean(user && user.role === 'admin');
  const filePicker = useRef(null);
  const folderPicker = useRef(null);
  const store = (stores || []).find((s) => s.name === datastore);

  const loadStores = useCallback(() => {
    dataApi.datastores().then((d) => { setStores(d.datastores || []); setStoresError(null); }, setStoresError);
  }, []);
  const loadFiles = useCallback(() => {
    setListing(null);
    dataApi.files(datastore, prefix).then((d) => { setListing(d); setListingError(null); }, (e) => { setListing(null); setListingError(e); });
  }, [datastore, prefix]);
  const loadDatasets = useCallback(() => {
    dataApi.datasets().then((d) => setDatasets(d.datasets || []), () => setDatasets([]));
  }, []);
  useEffect(() => { loadStores(); loadDatasets(); }, [loadStores, loadDatasets]);
  useEffect(() => { setPreview(null); if (!store || store.kind === 'folder') loadFiles(); }, [loadFiles, store]);

  const send = async (items) => {
    if (!items.length || upload) return;
    const total = items.reduce((n, i) => n + i.file.size, 0);
    setUpload({ fraction: 0, label: `${items.length} ${items.length === 1 ? 'file' : 'files'}, ${formatBytes(total)}` });
    try {
      const answer = await uploadFiles(datastore, items, { folder: prefix, extract,
        onProgress: (fraction) => setUpload((u) => (u ? { ...u, fraction } : u)) });
      toast(`Uploaded ${answer.files.length} ${answer.files.length === 1 ? 'file' : 'files'} to ${datastore}`, 'success');
      loadFiles();
    } catch (e) {
      toast(`Upload failed: ${describeError(e)}`, 'error', 9000);
    } finally {
      setUpload(null);
    }
  };
  const onPicked = (event) => {
    const items = [...event.target.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    event.target.value = '';
    send(items);
  };
  const onDrop = async (event) => {
    event.preventDefault();
    setDragging(false);
    send(await droppedFiles(event.dataTransfer));
  };
  const remove = async (entry) => {
    try {
      await dataApi.deleteFile(datastore, entry.path);
      toast(`Deleted ${entry.path}`, 'success');
      if (preview && preview.path === entry.path) setPreview(null);
      loadFiles();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const removeStore = async () => {
    try {
      await dataApi.removeDatastore(datastore);
      toast(`Removed datastore ${datastore}; its files were left where they are`, 'success');
      loadStores();
      navigate(dataHref('workspace'));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  };

  const entries = listing ? listing.files : null;
  const isFolderStore = !store || store.kind === 'folder';
  return (
    <div className="page">
      <AppHeader />
      <main className="page-body data-page">
        <div className="page-title-row">
          <div>
            <h1>Data</h1>
            <p className="muted">Where your data lives (datastores) and the named, versioned datasets registered from it.</p>
          </div>
        </div>
        <div className="data-layout">
          <aside className="data-stores" aria-label="Datastores">
            <div className="section-title-row">
              <h2 className="section-title">Datastores</h2>
              {isAdmin && (
                <button type="button" className="btn btn-small" onClick={() => setAdding(true)} data-testid="btn-add-datastore">
                  <Icon name="plus" size={14} /> Add</button>
              )}
            </div>
            {storesError && <div className="callout callout-error small">{describeError(storesError)}</div>}
            <ul className="store-list">
              {(stores || []).map((s) => (
                <li key={s.name}>
                  <a href={dataHref(s.name)} className={`store-item${s.name === datastore ? ' active' : ''}`} data-testid={`datastore-${s.name}`}>
                    <span className="store-name">{s.name}</span>
                    <span className="muted small ellipsis" title={s.path || s.url}>{s.kind} · {s.path || s.url}</span>
                  </a>
                </li>
              ))}
            </ul>
          </aside>
          <section className={`data-files${dragging ? ' drop-target' : ''}`} data-testid="data-dropzone"
            onDragOver={(e) => { if (isFolderStore) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; setDragging(true); } }}
            onDragLeave={(e) => { if (e.currentTarget === e.target) setDragging(false); }}
            onDrop={isFolderStore ? onDrop : undefined}>
            <div className="files-toolbar">
              <Breadcrumb datastore={datastore} prefix={listing ? listing.prefix : prefix} />
              <div className="row gap-8">
                {isAdmin && store && store.name !== 'workspace' && (
                  <button type="button" className="btn btn-small btn-ghost-danger" data-testid="btn-remove-datastore"
                    title="Forget this datastore (its files stay where they are)" onClick={() => setForgetting(true)}>
                    <Icon name="trash" size={14} /> Remove datastore</button>
                )}
              {isFolderStore && (
                <>
                  <label className="checkbox-label small" title="Unpack .zip files into folders as they arrive">
                    <input type="checkbox" checked={extract} onChange={(e) => setExtract(e.target.checked)} data-testid="upload-extract" /> Unpack zips
                  </label>
                  <button type="button" className="btn btn-small" onClick={() => folderPicker.current.click()} disabled={Boolean(upload)}>Upload folder</button>
                  <button type="button" className="btn btn-small btn-primary" onClick={() => filePicker.current.click()} disabled={Boolean(upload)}
                    data-testid="btn-upload"><Icon name="upload" size={14} /> Upload files</button>
                  <input ref={filePicker} type="file" multiple hidden onChange={onPicked} data-testid="upload-input" />
                  <input ref={folderPicker} type="file" webkitdirectory="" directory="" multiple hidden onChange={onPicked} />
                </>
              )}
              </div>
            </div>
            {upload && (
              <div className="upload-progress" data-testid="upload-progress">
                <div className="progress-track"><div className="progress-fill" style={{ width: `${Math.round(upload.fraction * 100)}%` }} /></div>
                <span className="small">Uploading {upload.label}… {Math.round(upload.fraction * 100)}%</span>
              </div>
            )}
            {!isFolderStore && (
              <div className="callout small">This is a <strong>sql</strong> datastore ({store.url}): it holds tables, not files.
                Read one with the <strong>Import Data</strong> component: set its datastore to “{store.name}” and write a SELECT in its query.</div>
            )}
            {isFolderStore && listingError && <div className="callout callout-error small">{describeError(listingError)}</div>}
            {isFolderStore && !listingError && (
              <ListState items={entries} what="files" icon="upload" title="No files here yet" testId="files-empty">
                <p>Drop files, folders or a zip here, or press <strong>Upload files</strong>. A folder of class folders
                  (e.g. <span className="mono">pets/cat/1.jpg</span>) registers as an image dataset.</p>
              </ListState>
            )}
            {isFolderStore && entries && entries.length > 0 && (
              <table className="data-table files-table" data-testid="files-table">
                <thead><tr><th>Name</th><th className="num">Size</th><th>Modified</th><th className="actions-col" aria-label="Actions" /></tr></thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.path} data-testid={`file-row-${entry.path}`}
                      className={preview && preview.path === entry.path ? 'selected' : ''}>
                      <td>
                        {entry.type === 'folder' ? (
                          <a href={dataHref(datastore, entry.path)} className="file-name"><span className="file-icon" aria-hidden="true"><Icon name="folder" /></span>{entry.name}</a>
                        ) : (
                          <span className="file-name">
                            {isImage(entry.name)
                              ? <img className="file-thumb" alt="" loading="lazy" src={dataApi.contentUrl(datastore, entry.path)} />
                              : <span className="file-icon muted" aria-hidden="true"><Icon name="file" /></span>}
                            {entry.name}
                          </span>
                        )}
                      </td>
                      <td className="num muted">{entry.type === 'folder' ? `${entry.file_count} ${entry.file_count === 1 ? 'file' : 'files'}` : formatBytes(entry.size)}</td>
                      <td className="muted">{relativeTime(new Date(entry.modified * 1000).toISOString())}</td>
                      <td className="actions-col">
                        <div className="row-actions">
                          {entry.type === 'file' && (isTable(entry.name) || isImage(entry.name)) && (
                            <button type="button" className="btn btn-small" data-testid={`btn-preview-${entry.path}`}
                              onClick={() => setPreview(preview && preview.path === entry.path ? null : entry)}>Preview</button>
                          )}
                          {(entry.type === 'folder' || isTable(entry.name)) && (
                            <button type="button" className="btn btn-small" data-testid={`btn-register-${entry.path}`}
                              onClick={() => setRegister({ datastore, path: entry.path })}>Register</button>
                          )}
                          <button type="button" className="btn btn-small btn-ghost-danger" aria-label={`Delete ${entry.name}`}
                            data-testid={`btn-delete-${entry.path}`} onClick={() => setConfirm(entry)}><Icon name="trash" /></button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {isFolderStore && entries && entries.length > 0 && (
              <div className="drop-hint muted small">Drop files, folders or a zip anywhere in this box to upload them into this folder.</div>
            )}
            {preview && <FilePreview datastore={datastore} entry={preview} onClose={() => setPreview(null)} />}
          </section>
        </div>
        <section className="datasets-section">
          <h2 className="section-title">Datasets</h2>
          <ListState items={datasets} what="datasets" icon="table" title="No datasets yet" testId="datasets-empty">
            <p>Press <strong>Register</strong> beside a file or folder above to make it a named, versioned dataset
              you can drag onto a pipeline.</p>
          </ListState>
          {datasets && datasets.length > 0 && (
            <table className="data-table graph-table" data-testid="datasets-table">
              <thead><tr><th>Name</th><th>Kind</th><th>Latest</th><th className="num">Rows / images</th><th>Registered</th></tr></thead>
              <tbody>
                {datasets.map((d) => (
                  <tr key={d.name} className="clickable" data-testid={`dataset-row-${d.name}`} onClick={() => navigate(datasetHref(d.name))}>
                    <td><a className="graph-name" href={datasetHref(d.name)} onClick={(e) => e.stopPropagation()}>{d.name}</a>
                      {d.description && <div className="muted small ellipsis">{d.description}</div>}</td>
                    <td>{d.kind}</td>
                    <td>v{d.latest_version}<span className="muted small"> of {d.versions}</span></td>
                    <td className="num">{d.rows ?? ''}</td>
                    <td className="muted">{relativeTime(d.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
      {register && (
        <RegisterDialog source={register} onClose={() => setRegister(null)}
          onDone={(made) => {
            setRegister(null);
            forgetDatasetList();
            toast(`Registered ${made.name} version ${made.version}`, 'success');
            loadDatasets();
          }} />
      )}
      {confirm && (
        <ConfirmDialog title={`Delete ${confirm.type}?`} onClose={() => setConfirm(null)} onConfirm={() => remove(confirm)}
          message={`“${confirm.path}” is removed from ${datastore}. Registered dataset versions keep their own copy.`} />
      )}
      {forgetting && (
        <ConfirmDialog title="Remove datastore?" confirmLabel="Remove" onClose={() => setForgetting(false)}
          onConfirm={removeStore}
          message={`“${datastore}” is forgotten by this workspace. Its files stay where they are, registered dataset versions keep their own copies, and pipelines that read it will need another datastore.`} />
      )}
      {adding && <AddDatastoreDialog onClose={() => setAdding(false)} onDone={(made) => { setAdding(false); loadStores(); navigate(dataHref(made.name)); }} />}
    </div>
  );
}
