"""Starting a run of a published pipeline version: what its URL, its schedules and the CLI all do."""
from __future__ import annotations

from canvas_store.repository import NotFound


class PipelineDisabled(Exception):
    """The pipeline is disabled; it runs again once someone enables it."""


def start_pipeline_run(designer, pipeline_id: str, version: int | None = None, parameters: dict | None = None,
                       *, trigger: str = "published") -> tuple[str, dict]:
    """Start version `version` (default: the pipeline's default) with `parameters`; returns (run id, version record).

    Raises the store's NotFound (pipeline or version), PipelineDisabled, and GraphInvalid for bad parameters.
    """
    published = designer.store.get_pipeline_version(pipeline_id, version)
    if not published["enabled"]:
        raise PipelineDisabled(f"pipeline '{pipeline_id}' is disabled")
    options = dict(parameters=parameters or {}, kind="published", pipeline_id=pipeline_id,
                   pipeline_version=published["version"], trigger=trigger)
    try:
        run_id = designer.start_run(published["document"], graph_id=published["graph_id"],
                                    revision=published["revision"], **options)
    except NotFound as exc:
        if exc.what != "graph":
            raise
        # The draft graph was deleted; the published version still runs, unattached to it.
        run_id = designer.start_run(published["document"], **options)
    return run_id, published
