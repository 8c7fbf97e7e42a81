// The data API (datastores, their files, datasets): every call goes through client.js's request helper,
// except uploads, which use XMLHttpRequest for upload progress (same headers, same JSON errors).
import { ApiError, csrfToken, goToLogin, request } from './client.js';

const enc = encodeURIComponent;
const encPath = (path) => path.split('/').map(enc).join('/');

export const dataApi = {
  datastores: () => request('GET', '/api/datastores'),
  addDatastore: (body) => request('POST', '/api/datastores', body),
  removeDatastore: (name) => request('DELETE', `/api/datastores/${enc(name)}`),
  files: (name, prefix = '') => request('GET', `/api/datastores/${enc(name)}/files?prefix=${enc(prefix)}`),
  deleteFile: (name, path) => request('DELETE', `/api/datastores/${enc(name)}/files/${encPath(path)}`),
  tablePreview: (name, path) => request('GET', `/api/datastores/${enc(name)}/content/${encPath(path)}?preview=table`),
  contentUrl: (name, path) => `/api/datastores/${enc(name)}/content/${encPath(path)}`,

  datasets: () => request('GET', '/api/datasets'),
  dataset: (name) => request('GET', `/api/datasets/${enc(name)}`),
  version: (name, version) => request('GET', `/api/datasets/${enc(name)}/versions/${enc(version)}`),
  versionRows: (name, version, offset, limit) =>
    request('GET', `/api/datasets/${enc(name)}/versions/${enc(version)}/rows?offset=${offset}&limit=${limit}`),
  imageUrl: (name, version, file) => `/api/datasets/${enc(name)}/versions/${enc(version)}/images/${encPath(file)}`,
  register: (body) => request('POST', '/api/datasets', body),
};

/**
 * Upload files (each `{file, path}`: a File and its relative path) into `folder` of datastore `name`.
 * `onProgress(fraction)` follows the bytes sent; resolves to the server's answer, rejects with ApiError.
 */
export function uploadFiles(name, items, { folder = '', extract = false, onProgress = () => {} } = {}) {
  const form = new FormData();
  form.append('folder', folder);
  form.append('extract', extract ? 'true' : 'false');
  for (const item of items) form.append('file', item.file, item.path || item.file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/datastores/${enc(name)}/files`);
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload was interrupted: the server could not be reached.'));
    xhr.onload = () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(data); return; }
      if (xhr.status === 401) goToLogin();
      const error = (data && data.error) || {};
      reject(new ApiError(xhr.status, error.code || `http-${xhr.status}`, error.message || `Upload failed (${xhr.status})`, error.details));
    };
    xhr.send(form);
  });
}

/** Files dropped on the page, folders walked (webkitGetAsEntry), each with its relative path. */
export async function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer.items || [])].map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
  if (!entries.length || entries.some((e) => !e)) return [...(dataTransfer.files || [])].map((file) => ({ file, path: file.name }));
  const out = [];
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: prefix + entry.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

export const DATASET_COMPONENTS = { tabular: 'registered-dataset', images: 'registered-image-dataset' };
