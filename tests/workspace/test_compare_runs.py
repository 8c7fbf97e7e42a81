"""The comparison of runs as a pure function: differing parameters, metrics with the best marked, per-epoch curves."""
from __future__ import annotations

from designer.workspace.compare import compare_runs


def _run(run_id, rate, accuracy, loss, losses, parameters=None):
    return {
        "run_id": run_id, "parameters": parameters or {"fraction": 0.3},
        "document": {"nodes": [{"id": "nn", "params": {"learning_rate": rate, "epochs": len(losses)}},
                               {"id": "split", "params": {"test_fraction": {"$param": "fraction"}}}]},
        "nodes": {"train": {"metrics": None, "metric_events": [{"epoch": i + 1, "loss": v} for i, v in enumerate(losses)]},
                  "eval": {"metrics": {"accuracy": accuracy, "log_loss": loss, "task": "classification"},
                           "metric_events": [{"accuracy": accuracy}]}},
    }


def test_parameters_resolve_pipeline_references_and_only_real_differences_count():
    result = compare_runs([_run("a", 0.1, 0.9, 0.3, [1, 0.5]), _run("b", 0.01, 0.8, 0.2, [1, 0.7, 0.4])])
    assert result["parameters"]["split.test_fraction"] == {"a": 0.3, "b": 0.3}
    assert sorted(result["differing"]) == ["nn.epochs", "nn.learning_rate"]


def test_best_is_the_largest_accuracy_and_the_smallest_loss():
    result = compare_runs([_run("a", 0.1, 0.9, 0.3, [1]), _run("b", 0.01, 0.8, 0.2, [1])])
    assert result["metrics"]["eval.accuracy"] == {"a": 0.9, "b": 0.8}
    assert "eval.task" not in result["metrics"]
    assert result["best"] == {"eval.accuracy": "a", "eval.log_loss": "b"}


def test_curves_come_from_epoch_events_and_a_single_summary_event_is_not_a_curve():
    result = compare_runs([_run("a", 0.1, 0.9, 0.3, [1, 0.5]), _run("b", 0.01, 0.8, 0.2, [1, 0.7, 0.4])])
    assert result["curves"] == {"train.loss": {"a": [1, 0.5], "b": [1, 0.7, 0.4]}}


def test_a_run_missing_a_metric_shows_none_and_is_never_best():
    lonely = _run("c", 0.1, 0.7, 0.1, [1])
    del lonely["nodes"]["eval"]
    result = compare_runs([_run("a", 0.1, 0.9, 0.3, [1]), lonely])
    assert result["metrics"]["eval.accuracy"] == {"a": 0.9, "c": None}
    assert "eval.accuracy" not in result["best"]
