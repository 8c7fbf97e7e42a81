// The columns each output port will hold, asked of the server as the graph is edited (before any
// run): {nodeId: {port: [column names]}}, the shape the column pickers take. Unknown ports are left out.
import { useEffect, useMemo, useRef, useState } from 'react';
import { schemaApi } from '../api/schema.js';
import { outputColumns, schemaKey } from '../model/schema.js';

const DELAY_MS = 150;

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

