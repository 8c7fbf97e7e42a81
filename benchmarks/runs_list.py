"""The workspace's run list at scale, and the compare view in a real browser.

1. A real store with 10,000 generated runs (20 experiments, the biggest holding 2,500;
   three metrics each): p50 of `GET /api/runs?experiment=E&sort=metric:eval.accuracy&limit=50`
   through the Flask app, against the plain newest-first `GET /api/runs?limit=50` in
   alternating rounds. SQLite always; PostgreSQL too when DESIGNER_TEST_PG_URL is set.
   Target: ≤ 50 ms p50.
2. (with --browser, needs static/dist) the Compare view of 10 runs × 100 epochs rendered in
   headless Chromium, from navigation (assets cached) to every chart drawn. Target: ≤ 1 s.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/runs_list.py [--browser]
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

RUNS = 10_000
EXPERIMENTS = 20
ROUNDS = 40
METRICS = ("eval.accuracy", "eval.auc", "train.loss")


def experiment_of(index: int) -> str:
    # A skewed workspace: experiment 0 holds a quarter of all runs.
    return "exp-00" if index % 4 == 0 else f"exp-{1 + index % (EXPERIMENTS - 1):02d}"


def populate(store, runs: int = RUNS) -> None:
    """Insert generated runs and their metrics in a few big transactions (what 10,000 real runs leave behind)."""
    from sqlalchemy import insert

    from canvas_store.models import Run
    from canvas_store.workspace_models import RunMetric

    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    document = {"format": "designer-graph/1", "name": "generated", "nodes": [], "edges": []}
    run_rows, metric_rows = [], []
    for index in range(runs):
        run_id = uuid.uuid4().hex
        created = start + timedelta(seconds=index)
        run_rows.append({"id": run_id, "name": f"run {index}", "status": "completed", "compute": "local",
                         "parameters": {"seed": index}, "kind": "manual", "evaluate_nodes": ["eval"],
                         "document": document, "created_at": created, "started_at": created,
                         "finished_at": created, "experiment": experiment_of(index), "display_name": "",
                         "description": "", "tags": {"batch": str(index % 10)}, "trigger": "manual"})
        for key in METRICS:
            metric_rows.append({"run_id": run_id, "key": key, "value": rng.random()})
    with store._db.write() as session:
        for chunk in range(0, len(run_rows), 2000):
            session.execute(insert(Run.__table__), run_rows[chunk:chunk + 2000])
        for chunk in range(0, len(metric_rows), 6000):
            session.execute(insert(RunMetric.__table__), metric_rows[chunk:chunk + 6000])
    if store._db.dialect == "postgresql":
        # PostgreSQL's autovacuum keeps planner statistics for rows written over weeks; a bulk insert a moment
        # ago has none yet. (SQLite keeps none unless asked, so a real SQLite home has none either.)
        with store._db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def p50(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_json()
    return elapsed


def measure(label: str, db_url: str | None) -> None:
    from designer.server import close_app, create_app

    with tempfile.TemporaryDirectory() as home:
        app = create_app(home=home, db=db_url)
        try:
            store = app.extensions["designer"].store
            populate(store)
            client = app.test_client()
            sorted_path = "/api/runs?experiment=exp-00&sort=metric:eval.accuracy&limit=50"
            small_path = "/api/runs?experiment=exp-07&sort=metric:eval.accuracy&limit=50"
            tagged_path = "/api/runs?experiment=exp-00&tag=batch:3&sort=metric:train.loss&order=asc&limit=50"
            baseline_path = "/api/runs?limit=50"
            first = client.get(sorted_path).get_json()
            values = [r["metrics"]["eval.accuracy"] for r in first["runs"]]
            assert values == sorted(values, reverse=True) and first["total"] == RUNS // 4
            timings: dict[str, list] = {p: [] for p in (baseline_path, sorted_path, small_path, tagged_path)}
            for _ in range(ROUNDS):  # alternating, so drift hits every query alike
                for path in timings:
                    timings[path].append(p50(client, path))
            base = statistics.median(timings[baseline_path])
            print(f"{label}: {RUNS} runs, {EXPERIMENTS} experiments, p50 of {ROUNDS} rounds")
            print(f"  baseline newest first (no filter)            {base * 1000:7.2f} ms")
            for path, name in ((sorted_path, f"experiment of {RUNS // 4} runs, sort by metric"),
                               (small_path, "experiment of ~395 runs, sort by metric"),
                               (tagged_path, "experiment + tag, sort by metric asc")):
                value = statistics.median(timings[path])
                print(f"  {name:<44} {value * 1000:7.2f} ms  ({value / base:4.2f}× baseline; "
                      f"target ≤ 50 ms: {'ok' if value <= 0.050 else 'OVER TARGET'})")
        finally:
            close_app(app)


def compare_view(runs: int = 10, epochs: int = 100) -> None:
    """Render the Compare view of `runs` runs × `epochs` epochs in headless Chromium; print the time to draw."""
    import logging
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from canvas_store.models import RunNodeMetricEvent
    from designer.server import close_app, create_app

    with tempfile.TemporaryDirectory() as home:
        app = create_app(home=home)
        store = app.extensions["designer"].store
        rng = random.Random(3)
        document = {"format": "designer-graph/1", "name": "compare bench",
                    "nodes": [{"id": "nn", "component": "neural-network", "params": {}},
                              {"id": "train", "component": "train-model", "params": {}},
                              {"id": "eval", "component": "evaluate-model", "params": {}}], "edges": []}
        run_ids = []
        for index in range(runs):
            doc = {**document, "nodes": [{**document["nodes"][0], "params": {"learning_rate": 0.01 * (index + 1)}},
                                         *document["nodes"][1:]]}
            run_id = store.create_run(doc, experiment="bench")
            store.apply_node_updates(run_id, [
                {"node_id": "train", "status": "completed"},
                {"node_id": "eval", "status": "completed", "metrics": {"accuracy": rng.random(), "auc": rng.random()}}])
            events = [{"run_id": run_id, "node_id": "train",
                       "event": {"epoch": e + 1, "loss": 1 / (e + 1) + rng.random() * 0.1,
                                 "accuracy": 1 - 1 / (e + 2), "val_loss": 1.2 / (e + 1),
                                 "val_accuracy": 1 - 1.1 / (e + 2)}} for e in range(epochs)]
            from sqlalchemy import insert

            with store._db.write() as session:
                session.execute(insert(RunNodeMetricEvent.__table__), events)
            store.set_run_status(run_id, "completed")
            run_ids.append(run_id)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        url = f"{base}/#/compare/{','.join(run_ids)}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
                page = browser.new_page()
                page.goto(base + "/")  # warm the static assets once
                page.wait_for_selector(".app-header")
                timings, baseline = [], []
                for _ in range(5):  # alternating with the Runs page (the baseline) so drift hits both alike
                    page.goto("about:blank")
                    started = time.perf_counter()
                    page.goto(base + "/#/runs")
                    page.wait_for_selector("[data-testid=runs-table] tbody tr")
                    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
                    baseline.append(time.perf_counter() - started)
                    page.goto("about:blank")
                    started = time.perf_counter()
                    page.goto(url)
                    page.wait_for_selector("[data-testid=compare-ready]", timeout=20_000)
                    page.wait_for_function("document.querySelectorAll('[data-testid=compare-curve] canvas').length >= 4")
                    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
                    timings.append(time.perf_counter() - started)
                charts = page.locator("[data-testid=compare-curve] canvas").count()
                browser.close()
        finally:
            server.shutdown()
            close_app(app)
    value, base_value = statistics.median(timings), statistics.median(baseline)
    print(f"compare view: {runs} runs × {epochs} epochs, {charts} curve charts, median of 5 loads "
          f"{value * 1000:.0f} ms vs the Runs page {base_value * 1000:.0f} ms ({value / base_value:.2f}×; "
          f"target ≤ 1 s: {'ok' if value <= 1.0 else 'OVER TARGET'})")


def main() -> None:
    measure("SQLite", None)
    pg = os.environ.get("DESIGNER_TEST_PG_URL")
    if pg:
        import sqlalchemy as sa

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        try:
            url = sa.make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
            measure("PostgreSQL", url.render_as_string(hide_password=False))
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    else:
        print("PostgreSQL: skipped (set DESIGNER_TEST_PG_URL)")
    if "--browser" in sys.argv:
        compare_view()


if __name__ == "__main__":
    main()
