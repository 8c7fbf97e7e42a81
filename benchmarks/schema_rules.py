"""Schema propagation after an edit when the graph holds the data-preparation components' rules.

    .venv/bin/python benchmarks/schema_rules.py [--rounds 40]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
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
    base = statistics.median(times["baseline"])
    for kind, values in times.items():
        p50 = statistics.median(values)
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        print(f"{kind:>8}: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({p50 / base:4.1f}x baseline p50)")
    print(f"goal <= 50 ms p50 for one schema round trip: "
          f"{'met' if max(statistics.median(v) for v in times.values()) <= 50 else 'NOT met'} by propagate alone")


if __name__ == "__main__":
    main()
