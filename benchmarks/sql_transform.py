"""apply-sql-transformation against DuckDB called directly on the same Parquet file.

The component is timed as a node runs it, on the table it is given (the
upstream output, in memory), and again including the read of its input
artifact's Parquet file into that table (`components.ports.load_value`, what
the executor does when the input comes from the store). DuckDB is timed reading
the Parquet file itself and returning a pandas table. Both give the same rows
(checked). Rounds alternate; ratios of medians are printed per query.
Target: component ≤ 1.3 × DuckDB.

    .venv/bin/python benchmarks/sql_transform.py [--rows 5000000] [--repeats 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import components
from components.calling import call_component
from components.ports import DataFrame, load_value, save_value

QUERIES = {
    "group-by": "select city, count(*) as n, avg(amount) as mean_amount, max(score) as best from t1 "
                "group by city order by city",
    "filter-and-derive": "select id, amount * 1.2 as gross, score from t1 where score > 0.5 and amount < 500",
    "window-top": "select city, id, amount from (select *, row_number() over (partition by city order by amount "
                  "desc) as r from t1) where r <= 3 order by city, r",
}


def write_table(rows: int, folder: Path) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"id": np.arange(rows, dtype=np.int64), "amount": rng.uniform(0, 1000, rows),
                          "score": rng.random(rows),
                          "city": pd.Categorical(rng.choice(["oslo", "rome", "lima", "pune", "kyiv"], rows))
                          .astype(str)})
    artifact = folder / "artifact"
    artifact.mkdir()
    save_value(DataFrame, frame, artifact)
    return artifact


def component_seconds(artifact: Path, query: str) -> tuple[float, float, pd.DataFrame]:
    """(seconds of the component call, seconds including the artifact read, result)."""
    spec = components.get("apply-sql-transformation")
    started = time.perf_counter()
    table = load_value(artifact)
    loaded = time.perf_counter()
    result = call_component(spec, {"t1": table}, {"sql_query_script": query})["results_dataset"]
    done = time.perf_counter()
    return done - loaded, done - started, result


def duckdb_seconds(artifact: Path, query: str) -> tuple[float, float, pd.DataFrame]:
    started = time.perf_counter()
    connection = duckdb.connect()
    path = (artifact / "data.parquet").as_posix()
    connection.execute(f"create view t1 as select * from read_parquet('{path}')")
    result = connection.execute(query).fetchdf()
    connection.close()
    seconds = time.perf_counter() - started
    return seconds, seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows in the table (default 5 million)")
    parser.add_argument("--repeats", type=int, default=5, help="alternating rounds per query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        artifact = write_table(args.rows, Path(folder))
        print(f"{args.rows:,} rows, {(artifact / 'data.parquet').stat().st_size / 1e6:.0f} MB of Parquet; "
              f"duckdb {duckdb.__version__}")
        worst = 0.0
        for name, query in QUERIES.items():
            ours, ours_loaded, theirs = [], [], []
            component_seconds(artifact, query)  # warm the file cache and imports once
            for round_number in range(args.repeats):
                order = (component_seconds, duckdb_seconds) if round_number % 2 == 0 else \
                    (duckdb_seconds, component_seconds)
                for measure in order:
                    seconds, with_load, result = measure(artifact, query)
                    if measure is component_seconds:
                        ours.append(seconds)
                        ours_loaded.append(with_load)
                        mine = result
                    else:
                        theirs.append(seconds)
                        direct = result
                pd.testing.assert_frame_equal(mine.reset_index(drop=True), direct.reset_index(drop=True),
                                              check_dtype=False)
            baseline = statistics.median(theirs)
            ratio = statistics.median(ours) / baseline
            worst = max(worst, ratio)
            print(f"{name:18s} component {statistics.median(ours):6.3f} s (with artifact read "
                  f"{statistics.median(ours_loaded):6.3f} s)   duckdb on Parquet {baseline:6.3f} s   "
                  f"ratio {ratio:4.2f} (with read {statistics.median(ours_loaded) / baseline:4.2f})   "
                  f"{len(mine):,} result rows")
        print(f"worst ratio {worst:.2f} (target ≤ 1.30)")


if __name__ == "__main__":
    main()
