// "Register as dataset" beside a finished run's DataFrame or ImageDirectory output.
import { useState } from 'react';
import { RegisterDialog } from './RegisterDialog.jsx';
import { forgetDatasetList } from './DatasetField.jsx';
import { useToast } from '../ui/toast.jsx';

export function RegisterOutputButton({ runId, nodeId, port, type, finished }) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  if (!finished || !['DataFrame', 'ImageDirectory'].includes(type)) return null;
  return (
    <>
      <button type="button" className="btn btn-small" data-testid={`btn-register-output-${port}`}
        title="Register this output as a new dataset version" onClick={() => setOpen(true)}>Register</button>
      {open && (
        <RegisterDialog source={{ run_id: runId, node: nodeId, port }} onClose={() => setOpen(false)}
          onDone={(made) => {
            setOpen(false);
            forgetDatasetList();
            toast(`Registered ${made.name} version ${made.version} (see Data ▸ Datasets)`, 'success');
          }} />
      )}
    </>
  );
}
