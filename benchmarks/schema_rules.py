"""Schema propagation after an edit when the graph holds the data-preparation components' rules.

    .venv/bin/python benchmarks/schema_rules.py [--rounds 40] [--inference]

The canvas asks for every port's schema after each edit (POST /api/graphs/schema calls
`designer.graph.schemas.propagate`). This times propagate() on the SQL data preparation example
(sample diabetes -> SQL -> clip -> bins -> feature selection -> split -> train -> score) in
alternating rounds of three edits:

- sql: the query text changes, so DuckDB binds the new query against empty tables of the input
  schema (the rule's cache misses);
- other: a parameter of another node changes (the SQL rule's cache hits);
- baseline: the same edit on the Iris classification example, whose rules read no SQL.

It prints the median and 95th percentile of each and their ratios to the baseline; the goal of
issue 17 is one schema round trip <= 50 ms p50.

`--inference` times instead a real-time and a batch inference graph of the wine example (a saved
normalization and a saved neural network, trained for real in a temporary home), alternating:

- unknown: propagate() without the lookup, as before saved artifacts recorded their schemas (every
  port after the saved nodes unknown);
- known: the Designer's lookup, its per-digest answers kept (each edit after the first);
- cold: the lookup with its kept answers dropped first (meta.json read from disk every time).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import components  # noqa: E402
from designer.graph.schemas import propagate  # noqa: E402


def _example(name: str) -> dict:
    return json.loads((ROOT / "examples" / name).read_text())


def _timed(document: dict, catalogue) -> float:
    started = time.perf_counter()
    propagate(document, catalogue).to_json()
    return (time.perf_counter() - started) * 1000


def _report(times: dict[str, list[float]], baseline: str) -> None:
    base = statistics.median(times[baseline])
    for kind, values in times.items():
        p50 = statistics.median(values)
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        print(f"{kind:>16}: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({p50 / base:4.1f}x {baseline} p50)")


def inference(rounds: int) -> None:
    import tempfile

    from designer.home import Home
    from designer.inference.making import make_inference_graph
    from designer.service import Designer

    catalogue = components.catalogue()
    with tempfile.TemporaryDirectory() as home:
        designer = Designer(Home.resolve(Path(home), None))
        try:
            training = _example("wine-neural-network.json")
            for node in training["nodes"]:
                if node["component"] == "neural-network":
                    node["params"]["epochs"] = 2
            graph_id = designer.store.create_graph(training)["id"]
            result = designer.run(training, graph_id=graph_id)
            assert result.status == "completed", result
            graphs = {kind: make_inference_graph(designer, graph_id, kind)["document"]
                      for kind in ("realtime", "batch")}
            lookup = designer.schema_lookup
            times: dict[str, list[float]] = {}
            for kind, document in graphs.items():
                propagate(document, catalogue, lookup)
                for number in range(rounds):
                    document["name"] = f"edit {number}"
                    for label, call in (("unknown", None), ("known", lookup), ("cold", lookup)):
                        if label == "cold":
                            designer.saved_schemas.known.clear()
                        started = time.perf_counter()
                        schemas = propagate(document, catalogue, call).to_json()
                        times.setdefault(f"{kind} {label}", []).append((time.perf_counter() - started) * 1000)
                        known = schemas["nodes"]["score"]["outputs"]["scored_dataset"] is not None
                        assert known == (call is not None), (kind, label)
            _report(times, "realtime unknown")
        finally:
            designer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--inference", action="store_true", help="time inference graphs' saved nodes instead")
    options = parser.parse_args()
    rounds = options.rounds
    if options.inference:
        inference(rounds)
        return
    catalogue = components.catalogue()
    sql_graph, iris = _example("sql-data-preparation.json"), _example("iris-classification.json")
    sql_node = next(n for n in sql_graph["nodes"] if n["component"] == "apply-sql-transformation")
    bins_node = next(n for n in sql_graph["nodes"] if n["component"] == "group-data-into-bins")
    split_node = next(n for n in iris["nodes"] if n["component"] == "split-data")
    query = sql_node["params"]["sql_query_script"]
    _timed(sql_graph, catalogue), _timed(iris, catalogue)  # imports (DuckDB) and sample datasets load once
    times: dict[str, list[float]] = {"sql": [], "other": [], "baseline": []}
    for number in range(rounds):
        sql_node["params"]["sql_query_script"] = query.replace("as older", f"as older_{number}")
        times["sql"].append(_timed(sql_graph, catalogue))
        bins_node["params"]["number_of_bins"] = 2 + number % 8
        times["other"].append(_timed(sql_graph, catalogue))
        split_node["params"]["test_fraction"] = 0.2 + (number % 5) / 20
        times["baseline"].append(_timed(iris, catalogue))
    _report(times, "baseline")
    print(f"goal <= 50 ms p50 for one schema round trip: "
          f"{'met' if max(statistics.median(v) for v in times.values()) <= 50 else 'NOT met'} by propagate alone")


if __name__ == "__main__":
    main()
