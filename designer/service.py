"""The designer's core service: validate, plan and run graphs against one home; CLI and server both use it."""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any, Callable, Iterable

import components
from canvas_store.artifacts import store_at
from components.roles import Role
from designer.artifact_schemas import ArtifactSchemas
from designer.compute.registry import TargetRegistry
from designer.file_schemas import ParquetSchemas
from designer.data.pinning import pin_datasets
from designer.environment import run_environment
from designer.execution.executor import Executor, RunResult
from designer.execution.plan import RunPlan, make_plan
from designer.execution.recording import RecordingFailed, RunRecorder
from designer.graph.document import load_graph
from designer.graph.problems import GraphInvalid, Problem
from designer.graph.validation import ParameterError, validate
from designer.home import Home

Listener = Callable[[dict], None]
log = logging.getLogger("designer")


def _dtype(name):
    """A dtype from its recorded name ("float64", "object"), or the name itself when numpy does not know it."""
    import numpy

    try:
        return numpy.dtype(name)
    except TypeError:
        return name


class Designer:
    def __init__(self, home: Home, store=None):
        from canvas_store.repository import Store

        self.home = home
        self.store = store or Store.for_home(home.path, home.db_url)
        self.artifacts = store_at(home.artifacts)
        self.targets = TargetRegistry(self._target_records)
        self.executor = Executor(self.artifacts, self.targets, datastore=str(home.datastore),
                                 datastores=self.datastore_settings)
        self.listeners: list[Listener] = []
        #: Component ids this server refuses to run (e.g. execute-python-script on a shared server).
        self.disabled_components: set[str] = set()
        self._threads: dict[str, threading.Thread] = {}
        self._results: dict[str, RunResult] = {}
        self._lock = threading.Lock()
        self.saved_schemas = ArtifactSchemas(self.artifacts, self._registered_model_digest)
        self.file_schemas = ParquetSchemas(home.datastore)
        #: (kind, key) -> schema for things outside the graph: a registered dataset's columns, a saved
        #: model's or transformation's (kind "artifact" by digest, "registered-model" by NAME:VERSION), a
        #: Parquet file's in the workspace datastore ("parquet-file" by path).
        self.schema_lookup = self.external_schema
        self._sweeps = None
        self._automl = None

    def external_schema(self, kind: str, key: str):
        """The schema-before-running lookup: answers for registered datasets and saved artifacts."""
        if kind == "artifact":
            return self.saved_schemas.artifact(key)
        if kind == "registered-model":
            return self.saved_schemas.registered_model(key)
        if kind == "parquet-file":
            return self.file_schemas.schema(key)
        return self.registered_schema(kind, key)

    def _registered_model_digest(self, name: str, version: int | None) -> str | None:
        from canvas_store.errors import NotFound

        try:
            return self.store.get_model(name, version).get("digest")
        except NotFound:
            return None

    def registered_schema(self, kind: str, key: str):
        """The columns a registered dataset version was registered with, for column pickers before a run."""
        from components.table_schema import Column, TableSchema, column_type_of
        from designer.graph.dataset_checks import choose_version

        if kind != "dataset":
            return None
        record, _ = choose_version(key, self.dataset_versions, "tabular")
        if record is None or not isinstance(record.get("schema"), list):
            return None
        return TableSchema(tuple(Column(str(c["name"]), column_type_of(_dtype(c.get("dtype"))))
                                 for c in record["schema"]))

    def datastore_settings(self) -> dict:
        """The named datastores besides the workspace, as running components reach them."""
        from designer.data.datastores import from_record

        return {r["name"]: from_record(r).run_settings() for r in self.store.list_datastores()}

    def dataset_versions(self, name: str) -> list[dict] | None:
        """Every version of a registered dataset, or None (the lookup validation and pinning use)."""
        from canvas_store.errors import NotFound

        try:
            return self.store.list_dataset_versions(name)
        except NotFound:
            return None

    @property
    def sweeps(self):
        """The SweepManager of this Designer (hyperparameter sweeps run as ordinary runs of it)."""
        from designer.sweeps.runner import SweepManager

        with self._lock:
            if self._sweeps is None:
                self._sweeps = SweepManager(self)
            return self._sweeps

    @property
    def automl(self):
        """The AutomlManager of this Designer (automated ML: a sweep per learner, the winner as a graph)."""
        from designer.automl import AutomlManager

        with self._lock:
            if self._automl is None:
                self._automl = AutomlManager(self)
            return self._automl

    def _target_records(self) -> dict:
        return {r["name"]: (r["kind"], r.get("settings") or {}) for r in self.store.list_compute_targets()}

    # ------------------------------------------------------------ graphs
    def validate(self, document: Any, *, check_columns: bool = True) -> list[Problem]:
        """Every problem, unknown-column ones included (the canvas and `designer validate` show them)."""
        problems = validate(document, components.catalogue(), known_computes=self.targets.names(),
                            datasets=self.dataset_versions, schema_lookup=self.schema_lookup,
                            check_columns=check_columns)
        if self.disabled_components and isinstance(document, dict):
            for node in document.get("nodes") or []:
                if isinstance(node, dict) and node.get("component") in self.disabled_components:
                    problems.append(Problem(node.get("id"), None, "component-disabled",
                                            f"component '{node['component']}' is turned off on this server"))
        return problems

    def plan(self, document: dict, *, compute: str | None = None, parameters: dict | None = None,
             to: str | list[str] | None = None, rerun: Iterable[str] = ()) -> RunPlan:
        # A column the schema says is missing fails its node when the run gets there, as before.
        problems = self.validate(document, check_columns=False)
        if compute is not None and compute not in self.targets.names():
            problems.append(Problem(None, None, "unknown-compute", f"compute target '{compute}' does not exist "
                                    f"(known: {', '.join(self.targets.names())})"))
        if problems:
            raise GraphInvalid(problems)
        try:
            plan = make_plan(load_graph(document), components.catalogue(), parameters=parameters,
                             compute=compute, to=to, rerun=tuple(rerun))
        except ParameterError as exc:
            raise GraphInvalid(exc.problems) from None
        plan, problems, reads = pin_datasets(plan, self.dataset_versions)
        if problems:
            raise GraphInvalid(problems)
        return replace(plan, dataset_reads=tuple(reads))

    # ------------------------------------------------------------ runs
    def start_run(self, document: dict, *, graph_id: str | None = None, revision: int | None = None,
                  compute: str | None = None, parameters: dict | None = None, to: str | list[str] | None = None,
                  rerun: Iterable[str] = (), listeners: Iterable[Listener] = (), kind: str = "manual",
                  pipeline_id: str | None = None, pipeline_version: int | None = None,
                  trigger: str | None = None, experiment: str | None = None, display_name: str | None = None,
                  description: str | None = None, tags: dict | None = None) -> str:
        """Validate and plan now (raising GraphInvalid), then run in a background thread; returns the run id.

        `trigger` says what started it (manual, published, schedule:<id>, sweep:<id>); `experiment`
        groups runs for comparison (default: the graph's name). The environment is recorded now.
        """
        plan = self.plan(document, compute=compute, parameters=parameters, to=to, rerun=rerun)
        run_id = self.store.create_run(document, graph_id=graph_id, revision=revision,
                                       compute=compute or document.get("default_compute") or "local",
                                       parameters=plan.parameters, kind=kind, pipeline_id=pipeline_id,
                                       pipeline_version=pipeline_version,
                                       evaluation_nodes=[n for n, p in plan.nodes.items()
                                                         if Role.EVALUATES in p.spec.roles],
                                       trigger=trigger, experiment=experiment, display_name=display_name,
                                       description=description, tags=tags,
                                       environment=run_environment())
        self.store.record_dataset_reads(run_id, list(plan.dataset_reads))
        thread = threading.Thread(target=self._execute, args=(plan, run_id, list(listeners)),
                                  name=f"run-{run_id[:8]}", daemon=True)
        with self._lock:
            self._threads[run_id] = thread
        thread.start()
        return run_id

    def run(self, document: dict, **options) -> RunResult:
        """Run to completion in the caller's thread (the CLI)."""
        run_id = self.start_run(document, **options)
        return self.wait(run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> RunResult | None:
        with self._lock:
            thread = self._threads.get(run_id)
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._results.get(run_id)

    def cancel_run(self, run_id: str) -> bool:
        return self.executor.cancel(run_id)

    def is_active(self, run_id: str) -> bool:
        with self._lock:
            thread = self._threads.get(run_id)
        return thread is not None and thread.is_alive()

    def _execute(self, plan: RunPlan, run_id: str, listeners: list[Listener]) -> None:
        output_types = {n: {port: t.name for port, t in p.spec.outputs.items()} for n, p in plan.nodes.items()}
        recorder = RunRecorder(self.store, run_id, output_types)
        sinks = [recorder, *listeners, *self.listeners]

        def emit(event: dict) -> None:
            for sink in sinks:
                try:
                    sink(event)
                except Exception:  # a broken listener (closed socket) must not break the run
                    if sink is recorder:
                        raise

        try:
            result = self.executor.run(plan, run_id, emit)
        except Exception as exc:  # executor bugs still end the run as failed, with no node left hanging
            log.exception("run %s stopped by an internal error", run_id)
            message = f"internal error: {type(exc).__name__}: {exc}"
            try:
                recorder.flush()
            except Exception:
                log.exception("could not record the last events of run %s", run_id)
            self.store.set_run_status(run_id, "failed", error=message)
            self.store.end_unfinished_nodes(run_id, message)
            result = RunResult(run_id, "failed", {}, error=message)
        finally:
            try:
                recorder.close()
            except RecordingFailed:
                pass  # recorder.failure holds the reason
        if recorder.failure and result.status != "failed":
            # The run itself finished, but its record is incomplete: say so rather than "completed".
            result = RunResult(run_id, "failed", result.nodes, error=recorder.failure)
            try:
                self.store.set_run_status(run_id, "failed", error=recorder.failure)
            except Exception:  # the store is gone; the recorder has logged why
                pass
        with self._lock:
            self._results[run_id] = result
            self._threads.pop(run_id, None)
            while len(self._results) > 100:  # the store keeps every run; this only serves wait()
                self._results.pop(next(iter(self._results)))

    def close(self) -> None:
        if self._automl is not None:
            self._automl.close()  # first: a job waits on its learner's sweep, which stops next
        if self._sweeps is not None:
            self._sweeps.close()
        self.targets.close()
        self.store.close()
