// Schema before running, as the column pickers take it: {nodeId: {port: [column names]}}.

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

/** Known columns: the schema's where it knows them, else those a finished run showed. */
export function mergeColumns(schemaColumns, runColumns) {
  if (!schemaColumns) return runColumns;
  if (!runColumns) return schemaColumns;
  const merged = { ...runColumns };
  Object.entries(schemaColumns).forEach(([nodeId, ports]) => { merged[nodeId] = { ...(merged[nodeId] || {}), ...ports }; });
  return merged;
}
