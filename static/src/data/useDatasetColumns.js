// The columns of every registered-dataset node, from the registered schema: known before any run.
import { useEffect, useMemo, useState } from 'react';
import { dataApi } from '../api/data.js';

const isRef = (v) => v && typeof v === 'object' && typeof v.$param === 'string';

/** {nodeId: {port: [column names]}} for nodes whose component has a dataset-kind parameter. */
export function useDatasetColumns(doc, catalogue) {
  const wanted = useMemo(() => {
    const out = [];
    for (const node of doc.nodes) {
      const spec = catalogue.specOf(node.component);
      const param = spec && spec.params.find((p) => p.kind === 'dataset');
      if (!param) continue;
      let value = node.params ? node.params[param.name] : undefined;
      if (isRef(value)) value = (doc.parameters.find((p) => p.name === value.$param) || {}).default;
      const ports = spec.outputs.filter((o) => o.type === 'DataFrame').map((o) => o.name);
      if (typeof value === 'string' && value && ports.length) out.push({ nodeId: node.id, reference: value, ports });
    }
    return out;
  }, [doc.nodes, doc.parameters, catalogue]);
  const key = wanted.map((w) => `${w.nodeId}=${w.reference}`).join('|');
  const [columns, setColumns] = useState({});
  useEffect(() => {
    let live = true;
    Promise.all(wanted.map(async (w) => {
      const [name, version] = w.reference.includes(':') ? w.reference.split(':') : [w.reference, null];
      try {
        const number = version || (await dataApi.dataset(name)).latest_version;
        const detail = await dataApi.version(name, number);
        const names = Array.isArray(detail.schema) ? detail.schema.map((c) => c.name) : null;
        return names ? [w.nodeId, Object.fromEntries(w.ports.map((p) => [p, names]))] : null;
      } catch {
        return null;
      }
    })).then((found) => { if (live) setColumns(Object.fromEntries(found.filter(Boolean))); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return columns;
}
