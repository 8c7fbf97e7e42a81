// The columns each output port will hold, asked of the server as the graph is edited (before any
// run): {nodeId: {port: [column names]}}, the shape the column pickers take. Unknown ports are left out.
import { useEffect, useMemo, useRef, useState } from 'react';
import { schemaApi } from '../api/schema.js';

const DELAY_MS = 150;

/** What of a document decides its schemas (moving a node changes none of it). */
export function schemaKey(doc) {
  if (!doc) return '';
  return JSON.stringify([
    doc.parameters,
    doc.nodes.map((n) => [n.id, n.component, n.params]),
    doc.edges.map((e) => [e.source, e.source_port, e.target, e.target_port]),
  ]);
}

/** {nodeId: {port: [names]}} from the server's answer. */
export function outputColumns(answer) {
  const columns = {};
  Object.entries((answer && answer.nodes) || {}).forEach(([nodeId, ports]) => {
    Object.entries(ports.outputs || {}).forEach(([port, schema]) => {
      if (schema && schema.kind === 'table') {
        (columns[nodeId] = columns[nodeId] || {})[port] = schema.columns.map((c) => c.name);
      }
    });
  });
  return columns;
}

export function useSchema(doc) {
  const [columns, setColumns] = useState(null);
  const sequence = useRef(0);
  const docRef = useRef(doc);
  docRef.current = doc;
  const key = useMemo(() => schemaKey(doc), [doc && doc.nodes, doc && doc.edges, doc && doc.parameters]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!key) return undefined;
    const n = ++sequence.current;
    const timer = setTimeout(() => {
      schemaApi.draftSchema(docRef.current).then(
        (answer) => { if (n === sequence.current) setColumns(outputColumns(answer)); },
        () => {},
      );
    }, DELAY_MS);
    return () => clearTimeout(timer);
  }, [key]);
  return columns;
}

/** Known columns: the schema's where it knows them, else those a finished run showed. */
export function mergeColumns(schemaColumns, runColumns) {
  if (!schemaColumns) return runColumns;
  if (!runColumns) return schemaColumns;
  const merged = { ...runColumns };
  Object.entries(schemaColumns).forEach(([nodeId, ports]) => { merged[nodeId] = { ...(merged[nodeId] || {}), ...ports }; });
  return merged;
}
