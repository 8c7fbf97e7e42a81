"""A worker that does not share the artifact store gets the content a registered-dataset node was pinned to."""
from __future__ import annotations

import pandas as pd

from canvas_store.artifacts import ArtifactStore
from components.ports import DataFrame
from components.registered_data import pinned_reference
from designer.compute.shipping import ship
from designer.execution.node_task import NodeTask, run_node_task


def test_pinned_dataset_content_travels_with_the_task(tmp_path):
    here = ArtifactStore(tmp_path / "server")
    digest = here.put(DataFrame, pd.DataFrame({"a": [1, 2, 3]}))
    task = NodeTask("run", "data", "registered-dataset", {"dataset": pinned_reference("t", 1, digest)}, {},
                    "0" * 64, str(tmp_path / "worker"))
    shipped = ship(task, store=here)
    assert set(shipped.packed_inputs) == {digest}

    from designer.compute.shipping import unpack_artifact

    worker = ArtifactStore(tmp_path / "worker")
    for key, data in shipped.packed_inputs.items():
        unpack_artifact(worker, key, data)
    outcome = run_node_task(task, lambda kind, payload: None, store=worker)
    assert worker.get(outcome.outputs["dataset"])["a"].tolist() == [1, 2, 3]
